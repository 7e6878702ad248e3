package io.iperf3j.internal.protocol;

/**
 * The one-byte states of the iperf3 control protocol. The byte is signed:
 * ACCESS_DENIED and SERVER_ERROR travel as 0xFF and 0xFE.
 */
public enum ControlState {
    TEST_START(1),
    TEST_RUNNING(2),
    RESULT_REQUEST(3),
    TEST_END(4),
    STREAM_BEGIN(5),
    STREAM_RUNNING(6),
    STREAM_END(7),
    ALL_STREAMS_END(8),
    PARAM_EXCHANGE(9),
    CREATE_STREAMS(10),
    SERVER_TERMINATE(11),
    CLIENT_TERMINATE(12),
    EXCHANGE_RESULTS(13),
    DISPLAY_RESULTS(14),
    IPERF_START(15),
    IPERF_DONE(16),
    ACCESS_DENIED(-1),
    SERVER_ERROR(-2);

    private static final ControlState[] BY_BYTE = new ControlState[256];

    static {
        for (ControlState s : values()) {
            BY_BYTE[s.value & 0xFF] = s;
        }
    }

    private final int value;

    ControlState(int value) {
        this.value = value;
    }

    /** The signed value iperf3 uses. */
    public int value() {
        return value;
    }

    /** The byte on the wire. */
    public byte wireByte() {
        return (byte) value;
    }

    /** The state this wire byte stands for, or null for a byte iperf3 does not define. */
    public static ControlState ofWire(byte b) {
        return BY_BYTE[b & 0xFF];
    }
}
