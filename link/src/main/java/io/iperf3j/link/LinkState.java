package io.iperf3j.link;

/** State of an endpoint, with legume's numeric codes. */
public enum LinkState {
    DISCONNECTED(100),
    ERRORED(101),
    LISTENING(102),
    CONNECTING(103),
    CONNECTED(104);

    private final int code;

    LinkState(int code) {
        this.code = code;
    }

    /** legume's number for this state ({@code NetworkEndpoint.DISCONNECTED} = 100, ...). */
    public int code() {
        return code;
    }
}
