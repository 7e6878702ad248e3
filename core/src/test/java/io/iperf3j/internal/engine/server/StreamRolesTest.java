package io.iperf3j.internal.engine.server;

import io.iperf3j.Direction;
import io.iperf3j.internal.stats.TestMode;
import org.junit.jupiter.api.Test;

import java.util.stream.IntStream;

import static org.assertj.core.api.Assertions.assertThat;

/** The numbers iperf3 3.12's server gives its streams, and the roles in each mode. */
class StreamRolesTest {
    @Test
    void idsAndSocketNumbersAreIperf3s() {
        assertThat(IntStream.range(0, 4).map(StreamRoles::id)).containsExactly(1, 3, 4, 5);
        assertThat(IntStream.range(0, 4).map(StreamRoles::tcpSocket)).containsExactly(5, 8, 10, 12);
        assertThat(IntStream.range(0, 3).map(StreamRoles::udpSocket)).containsExactly(5, 6, 7);
    }

    @Test
    void bidirReceivesOnTheFirstParallelStreams() {
        assertThat(IntStream.range(0, 6).mapToObj(i -> StreamRoles.direction(TestMode.BIDIRECTIONAL, i, 3)))
                .containsExactly(Direction.RECEIVER, Direction.RECEIVER, Direction.RECEIVER,
                        Direction.SENDER, Direction.SENDER, Direction.SENDER);
        assertThat(StreamRoles.direction(TestMode.RECEIVER, 5, 1)).isEqualTo(Direction.RECEIVER);
        assertThat(StreamRoles.direction(TestMode.SENDER, 0, 1)).isEqualTo(Direction.SENDER);
    }
}
