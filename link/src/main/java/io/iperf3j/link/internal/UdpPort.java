package io.iperf3j.link.internal;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;

/**
 * An endpoint's UDP socket and the place its background thread waits. Two implementations:
 * {@link NativeUdpPort} (Linux, the native module's {@code StampedUdpSocket}: the kernel's receive
 * timestamp of every datagram, {@code SO_TIMESTAMPING}) and {@link ChannelUdpPort} (a {@code DatagramChannel}, the time of the
 * read). {@link #open} picks the native one when it can.
 *
 * <p>Threads: {@link #receive}, {@link #send} and {@link #close} are called by the endpoint under its
 * lock; {@link #await} by the endpoint's pump thread without it; {@link #wakeup} from any thread.
 */
public interface UdpPort extends AutoCloseable {
    /**
     * Reads one waiting datagram into {@code dst} (from its position); returns its length, or -1 when
     * none is waiting. A connected port throws {@link java.net.PortUnreachableException} when the
     * kernel reported an ICMP port-unreachable.
     */
    int receive(ByteBuffer dst) throws IOException;

    /** The sender of the datagram last received. */
    InetSocketAddress lastSource();

    /**
     * When the last datagram {@link #receive}d reached the socket, on {@link System#nanoTime()}'s time line:
     * the kernel's timestamp when there is one (then it leaves out the time the thread took to wake up),
     * else -1 (the caller takes its clock's time of the read). Kernel stamps are converted with one offset
     * for all ({@code io.iperf3j.sys.KernelClock}), so that two of them subtract exactly.
     */
    long lastArrivalNanos();

    /**
     * Sends {@code src} (position to limit) to {@code to} (null: the connected peer); false if it was
     * not sent for a passing reason (a full socket buffer or device queue: iperf3's soft errors), a
     * datagram the caller may drop like a lossy link. {@code stamp}: the kernel is to report when it
     * entered the packet scheduler ({@link #drainSendStamps}, under {@link #lastSendKey()}).
     *
     * @throws java.net.PortUnreachableException a connected port got an ICMP port-unreachable for an
     *         earlier datagram (the kernel reports it on the next call, send or receive)
     * @throws IOException a hard error, one the next send would meet too (a firewall's EPERM,
     *         ENETUNREACH, EMSGSIZE): the message is "unable to send: " and the errno's meaning
     */
    boolean send(ByteBuffer src, InetSocketAddress to, boolean stamp) throws IOException;

    /** Waits until a datagram is waiting, {@link #wakeup} is called, or {@code timeoutNanos} passed. */
    void await(long timeoutNanos) throws IOException;

    /** Ends a current or the next {@link #await}. */
    void wakeup();

    InetSocketAddress localAddress() throws IOException;

    /** Whether receive times are the kernel's, and sends are stamped ({@link #drainSendStamps}). */
    boolean kernelTimestamps();

    /**
     * Told the kernel's time of a send: when datagram {@code key} ({@link #lastSendKey()}) entered the packet
     * scheduler, on {@link System#nanoTime()}'s time line (converted as {@link #lastArrivalNanos()}).
     * A stamp that cannot be believed (see {@code io.iperf3j.sys.KernelClock}) is not reported.
     */
    interface SendStamps {
        void stamped(long key, long sentNanos);
    }

    /** The key of the stamped datagram last sent (a count of stamped sends, mod 2^32); -1 without send stamps. */
    default long lastSendKey() {
        return -1;
    }

    /** Hands over the send times the kernel has reported since the last call (none without send stamps). */
    default void drainSendStamps(SendStamps sink) {
    }

    @Override
    void close();

    /**
     * A port bound to {@code bind} (null: any address, any port) and, if {@code connect} is not null,
     * connected to it. A wildcard port with no peer is dual-stack. Native unless FFM is unavailable
     * (not Linux x86_64/aarch64/riscv64, native access denied), {@code -Diperf3j.native=false} or
     * {@code -Diperf3j.link.native=false}.
     */
    static UdpPort open(InetSocketAddress bind, InetSocketAddress connect) throws IOException {
        return open(bind, connect, false);
    }

    /**
     * As {@link #open(InetSocketAddress, InetSocketAddress)}; {@code shared}: with SO_REUSEADDR, to bind
     * an address and port another socket holds (an iperf3j server's UDP port, where a socket connected
     * to one client gets that client's datagrams and the others get the rest).
     */
    static UdpPort open(InetSocketAddress bind, InetSocketAddress connect, boolean shared) throws IOException {
        if (NativeUdpPort.available()) {
            return NativeUdpPort.open(bind, connect, shared);
        }
        return ChannelUdpPort.open(bind, connect, shared);
    }
}
