package io.iperf3j.internal.engine.server;

import io.iperf3j.RttResponder;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;

/** One answer per test, a failing answer only logged, none after the test ended. */
class ProbeAnswerTest {
    private static final InetSocketAddress LOCAL = new InetSocketAddress("127.0.0.1", 5201);
    private static final InetSocketAddress CLIENT = new InetSocketAddress("127.0.0.1", 40000);

    /** Counts answers and closes; fails while {@code failing}. */
    private static final class FakeResponder implements RttResponder {
        final List<InetSocketAddress> answered = new ArrayList<>();
        final AtomicInteger closed = new AtomicInteger();
        boolean failing;

        @Override
        public boolean isProbeRequest(ByteBuffer datagram) {
            return datagram.remaining() == 3;
        }

        @Override
        public Answering answer(InetSocketAddress local, InetSocketAddress client) throws IOException {
            assertThat(local).isEqualTo(LOCAL);
            if (failing) {
                throw new IOException("port taken");
            }
            answered.add(client);
            return closed::incrementAndGet;
        }
    }

    @Test
    void oneAnswerPerTestClosedWithTheTest() {
        FakeResponder r = new FakeResponder();
        ProbeAnswer a = new ProbeAnswer(r, () -> LOCAL, text -> { });
        assertThat(a.isProbeRequest(ByteBuffer.allocate(3))).isTrue();
        assertThat(a.isProbeRequest(ByteBuffer.allocate(4))).isFalse();
        a.offerProbe(CLIENT);
        a.offerProbe(new InetSocketAddress("127.0.0.1", 40001));
        assertThat(r.answered).containsExactly(CLIENT);
        a.close();
        a.close();
        assertThat(r.closed).hasValue(1);
    }

    @Test
    void aFailingAnswerIsOnlyLoggedAndNoneAfterClose() {
        FakeResponder r = new FakeResponder();
        List<String> debug = new ArrayList<>();
        ProbeAnswer a = new ProbeAnswer(r, () -> LOCAL, debug::add);
        r.failing = true;
        a.offerProbe(CLIENT);
        assertThat(debug).singleElement().asString().contains("not answered", "port taken");
        r.failing = false;
        a.offerProbe(CLIENT);
        assertThat(r.answered).as("a later probe may still be answered").containsExactly(CLIENT);
        a.close();

        ProbeAnswer ended = new ProbeAnswer(r, () -> LOCAL, debug::add);
        ended.close();
        ended.offerProbe(CLIENT);
        assertThat(r.answered).as("none after close").hasSize(1);
    }
}
