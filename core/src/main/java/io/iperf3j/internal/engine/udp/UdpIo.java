package io.iperf3j.internal.engine.udp;

import io.iperf3j.sys.NativeSocket;

/**
 * How UDP streams move datagrams, chosen once per JVM from the system property
 * {@code iperf3j.udp.io}: {@code auto} (default) is {@code sendmmsg}/{@code recvmmsg}
 * batches through FFM, receiving with {@code UDP_GRO} and sending paced streams to a
 * loopback peer with UDP segmentation offload ({@code UDP_SEGMENT}) where the kernel
 * has them; {@code mmsg} batches without offload; {@code offload} uses
 * {@code UDP_SEGMENT} for every sender;
 * {@code plain} is one {@code write}/{@code read} per datagram through the JDK. The batch holds
 * {@code iperf3j.udp.batch} datagrams (default 32), at most 2 MiB. Batched receivers take
 * each read's arrival time from the kernel ({@code SO_TIMESTAMPNS}) unless
 * {@code iperf3j.udp.rxTimestamps} is {@code false}.
 */
public final class UdpIo {
    private static final String MODE = System.getProperty("iperf3j.udp.io", "auto");
    private static final int BATCH = Integer.getInteger("iperf3j.udp.batch", 32);
    private static final int MAX_BATCH_BYTES = 2 << 20;

    private UdpIo() {
    }

    /** Whether batched I/O is wanted and possible in this JVM. */
    static boolean batching() {
        return !MODE.equals("plain") && NativeSocket.available();
    }

    /** Receive slots with GRO at most, each large enough for a whole coalesced read. */
    static final int GRO_SLOTS = Integer.getInteger("iperf3j.udp.groSlots", 32);
    static final int GRO_SLOT_SIZE = 65536;
    /** The fewest GRO slots a receiver gets, whatever its rate. */
    static final int MIN_GRO_SLOTS = 4;
    /** A GRO receiver's buffer holds this much of its stream at its {@code -b} rate. */
    private static final long GRO_WINDOW_NANOS = 10_000_000L;

    /**
     * GRO slots for a receiver of {@code bitsPerSecond} ({@code -b}, 0 for none): enough for 10 ms of
     * its stream, at least {@value #MIN_GRO_SLOTS}, at most {@link #GRO_SLOTS} (an unpaced stream gets
     * the most). The buffer only bounds one read; a backlog waits in the socket's receive buffer and
     * takes a few more reads. Every slot is 64 KiB of memory touched for the stream's life, so 32 for
     * a 10 Mbit/s stream held 2 MiB where 256 KiB do (issue 29: 64 tests, half of them UDP uploads,
     * held 91 MiB of stream buffers).
     */
    static int groSlots(long bitsPerSecond) {
        if (bitsPerSecond <= 0) {
            return GRO_SLOTS;
        }
        double bytes = bitsPerSecond / 8.0 * GRO_WINDOW_NANOS / 1e9;
        long slots = (long) Math.ceil(bytes / GRO_SLOT_SIZE);
        return (int) Math.max(Math.min(MIN_GRO_SLOTS, GRO_SLOTS), Math.min(GRO_SLOTS, slots));
    }

    /** Whether to try UDP segmentation offload on send and GRO on receive (mode auto or offload). */
    static boolean offload() {
        return batching() && (MODE.equals("auto") || MODE.equals("offload"));
    }

    /** Whether unpaced ({@code -b 0}) senders use segmentation offload too (mode {@code offload}). */
    static boolean offloadUnpaced() {
        return MODE.equals("offload");
    }

    /** Whether batched receivers ask the kernel for each read's receive time. */
    static boolean receiveTimestamps() {
        return RX_TIMESTAMPS;
    }

    /**
     * The receive buffer a receiving stream asks for when the test gives no {@code -w}:
     * {@value #DEFAULT_RECEIVE_BUFFER} bytes, which the kernel caps at
     * {@code net.core.rmem_max} ({@code -Diperf3j.udp.receiveBuffer=BYTES}; 0 keeps the
     * system's default, as iperf3 does). iperf3's default buffer (208 KiB) holds about 90
     * datagrams of 1460 bytes, a millisecond at 1 Gbit/s, so any wake-up of the receiving
     * thread later than that (another thread on its core, the JIT) is reported as network
     * loss. Measured on loopback, 3.21 sending at 1 Gbit/s: 0.30 % median loss with the
     * default buffer and 0.00 % in every run with 4 MiB, where 3.21's own receiver lost
     * 0.14 % (bench/results/2026-11-23-udploss-rcvbuf.md).
     */
    public static int receiveBuffer() {
        return RECEIVE_BUFFER;
    }

    static final int DEFAULT_RECEIVE_BUFFER = 4 * 1024 * 1024;
    private static final int RECEIVE_BUFFER = Integer.getInteger("iperf3j.udp.receiveBuffer", DEFAULT_RECEIVE_BUFFER);

    private static final boolean RX_TIMESTAMPS =
            !System.getProperty("iperf3j.udp.rxTimestamps", "true").equalsIgnoreCase("false");

    /** Datagrams per batch for a datagram size. */
    static int slots(int datagramSize) {
        int byMemory = Math.max(1, MAX_BATCH_BYTES / Math.max(1, datagramSize));
        return Math.max(1, Math.min(BATCH, byMemory));
    }

    /** One line for {@code --help} and {@code -V}: which path UDP streams take. */
    public static String describe() {
        if (offload()) {
            return "sendmmsg/recvmmsg, " + BATCH + " datagrams per call (FFM); receives with UDP_GRO and,\n"
                    + "       to a loopback peer, paced (-b) sends with UDP_SEGMENT (up to 64 datagrams\n"
                    + "       per sendmsg) where the kernel has them";
        }
        if (batching()) {
            return "sendmmsg/recvmmsg, " + BATCH + " datagrams per call (FFM)";
        }
        return "one write/read per datagram (JDK DatagramChannel)" + (MODE.equals("plain") ? "" : ": FFM unavailable");
    }
}
