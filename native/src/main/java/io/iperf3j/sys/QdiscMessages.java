package io.iperf3j.sys;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Optional;
import java.util.OptionalLong;

/**
 * The rtnetlink messages of a qdisc dump ({@code RTM_GETQDISC} with {@code NLM_F_DUMP}): the request
 * and the decoder of one reply datagram, which finds the root qdisc of one interface in it.
 *
 * <p>A pure codec over bytes the kernel wrote (or a fuzzer made), in host byte order as netlink is.
 * The layouts are the kernel's UAPI: {@code struct nlmsghdr} (16 bytes), {@code struct tcmsg} (20),
 * {@code struct rtattr} (4, data padded to 4), {@code struct gnet_stats_basic} / {@code _queue}
 * ({@code <linux/gen_stats.h>}), {@code struct tc_stats} and {@code struct tc_tbf_qopt}
 * ({@code <linux/pkt_sched.h>}). Every length is checked against its container before it is used:
 * {@link #parse} reads only {@code [position, limit)} of its buffer and rejects bad input with a
 * {@link MalformedNetlinkException}, never anything else. There is no recursion (two fixed levels of
 * nesting), and the work is linear in the datagram's length.
 *
 * <p>Why hand-written: no maintained Java rtnetlink library works without JNI or a helper process,
 * and the few fields read here are a page of code.
 *
 * <p>Pure; any thread.
 */
public final class QdiscMessages {
    /** {@code TC_H_ROOT}: the parent of an interface's root (egress) qdisc. */
    public static final int TC_H_ROOT = 0xFFFF_FFFF;
    /** The length of {@link #request}: {@code nlmsghdr} and {@code tcmsg}. */
    public static final int REQUEST_LENGTH = 36;
    /** {@code IFNAMSIZ}: the kernel's bound on {@code TCA_KIND}, its NUL included. */
    public static final int MAX_KIND = 16;

    static final int NLMSG_HDRLEN = 16;
    static final int TCMSG_LEN = 20;
    static final int NLMSG_NOOP = 1;
    static final int NLMSG_ERROR = 2;
    static final int NLMSG_DONE = 3;
    static final int NLMSG_OVERRUN = 4;
    static final int RTM_NEWQDISC = 36;
    static final int RTM_GETQDISC = 38;
    static final int NLM_F_REQUEST = 0x1;
    /** {@code NLM_F_ROOT | NLM_F_MATCH}. */
    static final int NLM_F_DUMP = 0x300;
    /** Strips {@code NLA_F_NESTED} and {@code NLA_F_NET_BYTEORDER} from an attribute's type. */
    private static final int NLA_TYPE_MASK = 0x3FFF;
    /** The largest errno the kernel returns ({@code MAX_ERRNO}). */
    private static final int MAX_ERRNO = 4095;

    // <linux/rtnetlink.h>: enum TCA_*
    static final int TCA_KIND = 1;
    static final int TCA_OPTIONS = 2;
    static final int TCA_STATS = 3;
    static final int TCA_STATS2 = 7;
    // <linux/gen_stats.h>: enum TCA_STATS_*
    static final int TCA_STATS_BASIC = 1;
    static final int TCA_STATS_QUEUE = 3;
    static final int TCA_STATS_PKT64 = 8;
    // <linux/pkt_sched.h>
    static final int TCA_TBF_PARMS = 1;
    static final int TCA_TBF_RATE64 = 4;
    static final int TCA_FQ_FLOW_MAX_RATE = 7;
    /** {@code sizeof(struct tc_tbf_qopt)}: two 12-byte {@code tc_ratespec}s, limit, buffer, mtu. */
    static final int TBF_QOPT = 36;
    /** {@code offsetof(struct tc_ratespec, rate)}. */
    static final int RATESPEC_RATE = 8;
    /** {@code struct gnet_stats_basic} without its tail padding: u64 bytes, u32 packets. */
    static final int STATS_BASIC = 12;
    /** {@code struct gnet_stats_queue}: qlen, backlog, drops, requeues, overlimits (u32 each). */
    static final int STATS_QUEUE = 20;
    /** {@code struct tc_stats} without its tail padding: u64 bytes, then seven u32s. */
    static final int TC_STATS = 36;

    private QdiscMessages() {
    }

    /**
     * What one reply datagram said.
     *
     * @param root     the root qdisc of the interface asked for, if this datagram held it
     * @param done     the dump ended here ({@code NLMSG_DONE}, or {@code NLMSG_ERROR})
     * @param errno    the kernel's error when the dump ended with one (positive), else 0
     * @param messages the messages read, the last one included
     */
    public record Reply(Optional<QdiscStats> root, boolean done, int errno, int messages) {
    }

    /**
     * The dump request: {@code nlmsghdr {36, RTM_GETQDISC, NLM_F_REQUEST | NLM_F_DUMP, seq, 0}} and a
     * {@code tcmsg} naming {@code ifindex} (the kernel may dump every interface anyway). A new
     * buffer in host byte order, positioned at 0, of {@link #REQUEST_LENGTH} bytes.
     *
     * @throws IllegalArgumentException if {@code ifindex} is not positive
     */
    public static ByteBuffer request(int seq, int ifindex) {
        requireIfindex(ifindex);
        ByteBuffer b = ByteBuffer.allocate(REQUEST_LENGTH).order(ByteOrder.nativeOrder());
        b.putInt(REQUEST_LENGTH).putShort((short) RTM_GETQDISC).putShort((short) (NLM_F_REQUEST | NLM_F_DUMP))
                .putInt(seq).putInt(0);
        b.put((byte) 0).put((byte) 0).putShort((short) 0); // tcm_family AF_UNSPEC, padding
        b.putInt(ifindex).putInt(0).putInt(0).putInt(0); // tcm_ifindex, tcm_handle, tcm_parent, tcm_info
        return b.flip();
    }

    /**
     * Decodes one reply datagram, {@code [position, limit)} of {@code datagram} in host byte order (its
     * position and order are left as they are). Messages of other types ({@code NLMSG_NOOP}, another
     * interface's qdiscs, non-root qdiscs such as ingress) are skipped; the first root qdisc of
     * {@code ifindex} is decoded; reading stops at the end of the dump.
     *
     * @param seq the request's sequence number, which every message must carry
     * @throws MalformedNetlinkException if the bytes break the format (see the class comment)
     * @throws IllegalArgumentException  if {@code ifindex} is not positive
     */
    public static Reply parse(ByteBuffer datagram, int seq, int ifindex) throws MalformedNetlinkException {
        requireIfindex(ifindex);
        ByteBuffer b = datagram.slice().order(ByteOrder.nativeOrder());
        int end = b.limit();
        int at = 0;
        int messages = 0;
        QdiscStats root = null;
        boolean done = false;
        int errno = 0;
        while (at < end && !done) {
            if (end - at < NLMSG_HDRLEN) {
                throw new MalformedNetlinkException("a message header of " + (end - at) + " bytes at " + at);
            }
            long len = Integer.toUnsignedLong(b.getInt(at));
            int type = Short.toUnsignedInt(b.getShort(at + 4));
            if (len < NLMSG_HDRLEN || len > end - at) {
                throw new MalformedNetlinkException("message length " + len + " at " + at + " of " + end);
            }
            if (b.getInt(at + 8) != seq) {
                throw new MalformedNetlinkException("sequence " + Integer.toUnsignedString(b.getInt(at + 8))
                        + " at " + at + ", not the request's " + Integer.toUnsignedString(seq));
            }
            messages++;
            int payload = at + NLMSG_HDRLEN;
            int stop = at + (int) len;
            switch (type) {
                case NLMSG_DONE -> { // with NLM_F_DUMP the kernel adds the dump's int result; may be absent
                    done = true;
                    errno = stop - payload >= Integer.BYTES ? errno(b.getInt(payload)) : 0;
                }
                case NLMSG_ERROR -> { // struct nlmsgerr: int error, then the request's header
                    if (stop - payload < Integer.BYTES) {
                        throw new MalformedNetlinkException("an error message without its error at " + at);
                    }
                    done = true;
                    errno = errno(b.getInt(payload));
                }
                case NLMSG_OVERRUN -> throw new MalformedNetlinkException("the kernel lost messages (NLMSG_OVERRUN)");
                case RTM_NEWQDISC -> {
                    if (root == null) {
                        root = qdisc(b, payload, stop, ifindex);
                    }
                }
                default -> {
                    // NLMSG_NOOP and anything else: not ours
                }
            }
            at = (int) Math.min(end, stop + (long) ((4 - (stop & 3)) & 3)); // NLMSG_ALIGN
        }
        return new Reply(Optional.ofNullable(root), done, errno, messages);
    }

    /** The positive errno of an error field (0, or -errno), or a malformed-input exception. */
    private static int errno(int field) throws MalformedNetlinkException {
        if (field > 0 || field < -MAX_ERRNO) {
            throw new MalformedNetlinkException("error field " + field + " is not -errno");
        }
        return -field;
    }

    /** A qdisc message's payload {@code [from, to)}: the qdisc, or null when it is not ifindex's root. */
    private static QdiscStats qdisc(ByteBuffer b, int from, int to, int ifindex) throws MalformedNetlinkException {
        if (to - from < TCMSG_LEN) {
            throw new MalformedNetlinkException("a qdisc message of " + (to - from) + " bytes, without its tcmsg");
        }
        if (b.getInt(from + 4) != ifindex || b.getInt(from + 12) != TC_H_ROOT) {
            return null;
        }
        String kind = null;
        int options = -1;
        int stats2 = -1;
        int stats = -1;
        int[] attrs = attributes(b, from + TCMSG_LEN, to);
        for (int i = 0; i < attrs.length; i += 3) {
            int data = attrs[i + 1];
            int len = attrs[i + 2];
            switch (attrs[i]) {
                case TCA_KIND -> kind = kind(b, data, len);
                case TCA_OPTIONS -> options = i;
                case TCA_STATS2 -> stats2 = i;
                case TCA_STATS -> stats = i;
                default -> {
                    // TCA_XSTATS, TCA_HW_OFFLOAD, TCA_CHAIN, ...: not read
                }
            }
        }
        if (kind == null) {
            throw new MalformedNetlinkException("a root qdisc without TCA_KIND");
        }
        long bytes = -1;
        long packets = -1;
        long[] queue = null; // qlen, backlog, drops, requeues, overlimits
        if (stats2 >= 0) {
            long packets64 = -1;
            int[] nested = attributes(b, attrs[stats2 + 1], attrs[stats2 + 1] + attrs[stats2 + 2]);
            for (int i = 0; i < nested.length; i += 3) {
                int data = nested[i + 1];
                int len = nested[i + 2];
                switch (nested[i]) {
                    case TCA_STATS_BASIC -> {
                        need(len, STATS_BASIC, "TCA_STATS_BASIC");
                        bytes = unsigned64(b, data, "bytes");
                        packets = Integer.toUnsignedLong(b.getInt(data + 8));
                    }
                    case TCA_STATS_PKT64 -> { // packets past 2^32 (Linux 5.6+)
                        need(len, Long.BYTES, "TCA_STATS_PKT64");
                        packets64 = unsigned64(b, data, "packets");
                    }
                    case TCA_STATS_QUEUE -> {
                        need(len, STATS_QUEUE, "TCA_STATS_QUEUE");
                        queue = new long[5];
                        for (int k = 0; k < 5; k++) {
                            queue[k] = Integer.toUnsignedLong(b.getInt(data + 4 * k));
                        }
                    }
                    default -> {
                        // rate estimators, TCA_STATS_APP (xstats), padding
                    }
                }
            }
            if (packets64 >= 0 && bytes >= 0) {
                packets = packets64;
            }
        }
        if ((bytes < 0 || queue == null) && stats >= 0) { // the old struct tc_stats: no requeues
            int data = attrs[stats + 1];
            need(attrs[stats + 2], TC_STATS, "TCA_STATS");
            if (bytes < 0) {
                bytes = unsigned64(b, data, "bytes");
                packets = Integer.toUnsignedLong(b.getInt(data + 8));
            }
            if (queue == null) {
                queue = new long[] {Integer.toUnsignedLong(b.getInt(data + 28)),
                        Integer.toUnsignedLong(b.getInt(data + 32)), Integer.toUnsignedLong(b.getInt(data + 12)), 0,
                        Integer.toUnsignedLong(b.getInt(data + 16))};
            }
        }
        if (bytes < 0 || queue == null) {
            throw new MalformedNetlinkException("root qdisc " + kind + " without its statistics");
        }
        OptionalLong rate = options < 0 ? OptionalLong.empty()
                : rate(b, kind, attrs[options + 1], attrs[options + 1] + attrs[options + 2]);
        return new QdiscStats(ifindex, kind, bytes, packets, queue[2], queue[4], queue[3], queue[1], queue[0], rate);
    }

    /**
     * The shaping rate in bits/s of a {@code tbf} (its rate) or an {@code fq} (its per-flow
     * {@code maxrate}, when set) from its {@code TCA_OPTIONS} {@code [from, to)}; empty for other kinds.
     */
    private static OptionalLong rate(ByteBuffer b, String kind, int from, int to) throws MalformedNetlinkException {
        boolean tbf = kind.equals("tbf");
        if (!tbf && !kind.equals("fq")) {
            return OptionalLong.empty();
        }
        long bytesPerSecond = -1;
        long rate64 = -1;
        int[] attrs = attributes(b, from, to);
        for (int i = 0; i < attrs.length; i += 3) {
            int type = attrs[i];
            int data = attrs[i + 1];
            int len = attrs[i + 2];
            if (tbf && type == TCA_TBF_PARMS) {
                need(len, TBF_QOPT, "TCA_TBF_PARMS");
                bytesPerSecond = Integer.toUnsignedLong(b.getInt(data + RATESPEC_RATE));
            } else if (tbf && type == TCA_TBF_RATE64) { // rates of 2^32 bytes/s and more
                need(len, Long.BYTES, "TCA_TBF_RATE64");
                rate64 = unsigned64(b, data, "rate");
            } else if (!tbf && type == TCA_FQ_FLOW_MAX_RATE) {
                need(len, Integer.BYTES, "TCA_FQ_FLOW_MAX_RATE");
                int v = b.getInt(data);
                bytesPerSecond = v == -1 ? -1 : Integer.toUnsignedLong(v); // ~0U: unlimited
            }
        }
        if (rate64 >= 0) {
            bytesPerSecond = rate64;
        }
        if (bytesPerSecond < 0) {
            return OptionalLong.empty();
        }
        if (bytesPerSecond > Long.MAX_VALUE / 8) {
            throw new MalformedNetlinkException("a rate of " + bytesPerSecond + " bytes/s");
        }
        return OptionalLong.of(bytesPerSecond * 8);
    }

    /**
     * The attributes in {@code [from, to)} as (type without flags, data offset, data length) triples,
     * every one inside the range.
     */
    private static int[] attributes(ByteBuffer b, int from, int to) throws MalformedNetlinkException {
        int[] out = new int[3 * Math.max(0, (to - from) / 4)];
        int n = 0;
        int at = from;
        while (to - at >= 4) {
            int len = Short.toUnsignedInt(b.getShort(at));
            if (len < 4 || len > to - at) {
                throw new MalformedNetlinkException("attribute length " + len + " at " + at + " of " + to);
            }
            out[n++] = Short.toUnsignedInt(b.getShort(at + 2)) & NLA_TYPE_MASK;
            out[n++] = at + 4;
            out[n++] = len - 4;
            at = (int) Math.min(to, at + (long) ((len + 3) & ~3)); // RTA_ALIGN; the last may be unpadded
        }
        if (at < to) {
            throw new MalformedNetlinkException((to - at) + " bytes after the last attribute at " + at);
        }
        return Arrays.copyOf(out, n);
    }

    /** TCA_KIND: printable ASCII, NUL-terminated within the attribute and {@link #MAX_KIND} bytes. */
    private static String kind(ByteBuffer b, int data, int len) throws MalformedNetlinkException {
        int n = 0;
        while (n < len && b.get(data + n) != 0) {
            byte c = b.get(data + n);
            if (c <= 0x20 || c >= 0x7F) {
                throw new MalformedNetlinkException("TCA_KIND byte " + (c & 0xFF) + " is not printable ASCII");
            }
            n++;
        }
        if (n == 0 || n == len || n >= MAX_KIND) {
            throw new MalformedNetlinkException("TCA_KIND of " + n + " characters in " + len + " bytes");
        }
        byte[] s = new byte[n];
        b.get(data, s);
        return new String(s, StandardCharsets.US_ASCII);
    }

    private static void need(int len, int size, String what) throws MalformedNetlinkException {
        if (len < size) {
            throw new MalformedNetlinkException(what + " of " + len + " bytes, not " + size);
        }
    }

    /** A u64 counter; past {@link Long#MAX_VALUE} it is not one a kernel could have counted. */
    private static long unsigned64(ByteBuffer b, int at, String what) throws MalformedNetlinkException {
        long v = b.getLong(at);
        if (v < 0) {
            throw new MalformedNetlinkException(what + " " + Long.toUnsignedString(v) + " is out of range");
        }
        return v;
    }

    private static void requireIfindex(int ifindex) {
        if (ifindex <= 0) {
            throw new IllegalArgumentException("ifindex " + ifindex + " (interface indexes start at 1)");
        }
    }
}
