package io.iperf3j.protocol;

/**
 * iperf3's error numbers ({@code i_errno}) and texts, as iperf3 3.12 defines them.
 * The numbers travel on the wire after SERVER_ERROR; the texts are what iperf3 prints.
 */
public enum ErrorCode {
    // TODO(helper-options): complete from iperf3 3.12's iperf_api.h / iperf_error.c
    NONE(0, "no error"),
    SERVER_CLIENT(1, "cannot be both server and client"),
    NO_ROLE(2, "must either be a client (-c) or server (-s)"),
    UNIMPLEMENTED(13, "an option you are trying to set is not implemented yet"),
    CONNECT(103, "unable to connect to server"),
    CTRL_CLOSE(109, "control socket has closed unexpectedly"),
    MESSAGE(110, "received an unknown control message"),
    RECV_RESULTS(117, "unable to receive results"),
    CLIENT_TERM(119, "the client has terminated"),
    SERVER_TERM(120, "the server has terminated"),
    ACCESS_DENIED(121, "the server is busy running a test. try again later"),
    AUTH_TEST(142, "test authorization failed"),
    NO_MSG(144, "idle timeout for receiving data"),
    STREAM_LISTEN(202, "unable to start stream listener"),
    STREAM_WRITE(205, "unable to write to stream socket"),
    STREAM_READ(206, "unable to read from stream socket"),
    STREAM_ID(208, "stream has an invalid id");

    private final int number;
    private final String text;

    ErrorCode(int number, String text) {
        this.number = number;
        this.text = text;
    }

    /** The {@code i_errno} value. */
    public int number() {
        return number;
    }

    /** iperf3's message text, without any appended system error. */
    public String text() {
        return text;
    }

    /** The code with this number, or null if iperf3 3.12 has none. */
    public static ErrorCode ofNumber(int number) {
        for (ErrorCode c : values()) {
            if (c.number == number) {
                return c;
            }
        }
        return null;
    }
}
