package io.iperf3j.sys;

/**
 * A netlink reply that breaks its format: a length that runs past its datagram or is too short for
 * its header, a sequence number not the request's, a qdisc without its kind or statistics, a value
 * out of range. {@link QdiscMessages#parse} throws it and nothing else for bad input;
 * {@link QdiscStats#root} turns it into "no answer".
 *
 * <p>Checked: it is the codec's one documented way to refuse bytes, which every caller must handle.
 */
public final class MalformedNetlinkException extends Exception {
    private static final long serialVersionUID = 1L;

    public MalformedNetlinkException(String message) {
        super(message);
    }
}
