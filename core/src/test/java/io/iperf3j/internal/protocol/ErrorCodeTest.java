package io.iperf3j.internal.protocol;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Arrays;
import java.util.HashSet;
import java.util.Set;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class ErrorCodeTest {

    /** Rows of docs/iperf3-protocol.md section 3.4 (number, constant, text, "+errno"). */
    static Stream<Arguments> protocolDocTable() {
        return Stream.of(
                Arguments.of(122, ErrorCode.SET_NODELAY, "unable to set TCP/SCTP NODELAY", true),
                Arguments.of(123, ErrorCode.SET_MSS, "unable to set TCP/SCTP MSS", true),
                Arguments.of(124, ErrorCode.SET_BUF, "unable to set socket buffer size", true),
                Arguments.of(128, ErrorCode.REUSE_ADDR, "unable to reuse address on socket", true),
                Arguments.of(136, ErrorCode.V6_ONLY, "Unable to set/reset IPV6_V6ONLY", true),
                Arguments.of(141, ErrorCode.SET_BUF2, "socket buffer size not set correctly", false),
                Arguments.of(142, ErrorCode.AUTH_TEST, "test authorization failed", false),
                Arguments.of(202, ErrorCode.STREAM_LISTEN, "unable to start stream listener", true),
                Arguments.of(103, ErrorCode.CONNECT, "unable to connect to server", true),
                Arguments.of(109, ErrorCode.CTRL_CLOSE, "control socket has closed unexpectedly", false),
                Arguments.of(110, ErrorCode.MESSAGE, "received an unknown control message", false),
                Arguments.of(117, ErrorCode.RECV_RESULTS, "unable to receive results", true),
                Arguments.of(119, ErrorCode.CLIENT_TERM, "the client has terminated", false),
                Arguments.of(120, ErrorCode.SERVER_TERM, "the server has terminated", false),
                Arguments.of(121, ErrorCode.ACCESS_DENIED, "the server is busy running a test. try again later", false),
                Arguments.of(144, ErrorCode.NO_MSG, "idle timeout for receiving data", false),
                Arguments.of(205, ErrorCode.STREAM_WRITE, "unable to write to stream socket", true),
                Arguments.of(206, ErrorCode.STREAM_READ, "unable to read from stream socket", true),
                Arguments.of(208, ErrorCode.STREAM_ID, "stream has an invalid id", false));
    }

    @ParameterizedTest(name = "{0} {1}")
    @MethodSource("protocolDocTable")
    void matchesTheProtocolDocument(int number, ErrorCode code, String text, boolean errno) {
        assertThat(code.number()).isEqualTo(number);
        assertThat(code.text()).isEqualTo(text);
        assertThat(code.appendsSystemError()).isEqualTo(errno);
        assertThat(ErrorCode.ofNumber(number)).isSameAs(code);
    }

    @Test
    void connectionRefusedReadsLikeIperf3() {
        assertThat(ErrorCode.CONNECT.message("Connection refused"))
                .isEqualTo("unable to connect to server: Connection refused");
        assertThat(ErrorCode.STREAM_LISTEN.message("Address already in use"))
                .isEqualTo("unable to start stream listener: Address already in use");
        // 3.12 appends ": " even when errno is 0
        assertThat(ErrorCode.AFFINITY.message(null)).isEqualTo("unable to set CPU affinity: ");
        // codes without perr ignore the system error
        assertThat(ErrorCode.AUTH_TEST.message("ignored")).isEqualTo("test authorization failed");
    }

    @Test
    void parameterErrorsOf312() {
        assertThat(ErrorCode.SERVER_CLIENT.number()).isEqualTo(1);
        assertThat(ErrorCode.NO_ROLE.text()).isEqualTo("must either be a client (-c) or server (-s)");
        assertThat(ErrorCode.CLIENT_ONLY.number()).isEqualTo(4);
        assertThat(ErrorCode.CLIENT_ONLY.text()).isEqualTo("some option you are trying to set is client only");
        assertThat(ErrorCode.UNIMPLEMENTED.number()).isEqualTo(13);
        assertThat(ErrorCode.NO_SCTP.number()).isEqualTo(18);
        assertThat(ErrorCode.BAD_PORT.number()).isEqualTo(26);
        assertThat(ErrorCode.REVERSE_ONLY_RCV_TIMEOUT.message(null))
                .isEqualTo("client receive timeout is valid only in receiving mode: ");
        assertThat(ErrorCode.TOTAL_INTERVAL.message(null)).isEqualTo("int_errno=28: ");
        assertThat(ErrorCode.SET_USER_TIMEOUT.number()).isEqualTo(148);
    }

    @Test
    void newerUpstreamCodes() {
        assertThat(ErrorCode.MAX_SERVER_TEST_DURATION_EXCEEDED.number()).isEqualTo(37);
        assertThat(ErrorCode.MAX_SERVER_TEST_DURATION_EXCEEDED.appendsSystemError()).isFalse();
        assertThat(ErrorCode.SERVER_TEST_DURATION_EXPIRED.number()).isEqualTo(160);
        assertThat(ErrorCode.SERVER_TEST_DURATION_EXPIRED.message(null)).isEqualTo("server test duration expired: ");
    }

    @Test
    void unknownNumbersAreRenderedLike312() {
        assertThat(ErrorCode.ofNumber(999)).isNull();
        assertThat(ErrorCode.describe(999, null)).isEqualTo("int_errno=999: ");
        assertThat(ErrorCode.describe(103, "Connection refused")).isEqualTo("unable to connect to server: Connection refused");
    }

    @Test
    void numbersAreUniqueAndIperf3jCodesNeverCollide() {
        Set<Integer> seen = new HashSet<>();
        for (ErrorCode c : ErrorCode.values()) {
            assertThat(seen.add(c.number())).as("duplicate number %d (%s)", c.number(), c).isTrue();
            assertThat(c.text()).isNotBlank();
        }
        assertThat(Arrays.stream(ErrorCode.values()).filter(ErrorCode::isIperf3jOnly))
                .extracting(ErrorCode::name)
                .contains("MAX_CONCURRENT", "SERVER_MAX_DURATION")
                .allSatisfy(n -> assertThat(ErrorCode.valueOf(n).number()).isGreaterThanOrEqualTo(1000));
        assertThat(Arrays.stream(ErrorCode.values()).filter(c -> c.number() < 1000))
                .noneMatch(ErrorCode::isIperf3jOnly);
    }

    @Test
    void constantsOtherCodeUsesStillExist() {
        for (String name : new String[] {"NONE", "SERVER_CLIENT", "NO_ROLE", "UNIMPLEMENTED", "CONNECT", "CTRL_CLOSE",
                "MESSAGE", "RECV_RESULTS", "CLIENT_TERM", "SERVER_TERM", "ACCESS_DENIED", "AUTH_TEST", "NO_MSG",
                "STREAM_LISTEN", "STREAM_WRITE", "STREAM_READ", "STREAM_ID"}) {
            assertThat(ErrorCode.valueOf(name)).isNotNull();
        }
    }
}
