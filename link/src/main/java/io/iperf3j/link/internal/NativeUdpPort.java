package io.iperf3j.link.internal;

import io.iperf3j.sys.Errno;
import io.iperf3j.sys.KernelClock;
import io.iperf3j.sys.NativeSocketException;
import io.iperf3j.sys.StampedUdpSocket;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.PortUnreachableException;
import java.net.SocketException;
import java.net.UnknownHostException;
import java.nio.ByteBuffer;

/**
 * A {@link UdpPort} over the native module's time-stamping socket ({@link StampedUdpSocket}): it
 * tells when each datagram reached the socket and when each one it sent entered the packet
 * scheduler ({@code SO_TIMESTAMPING}, software receive stamps and {@code TX_SCHED} send stamps),
 * and puts those kernel times on {@link System#nanoTime()}'s time line with one
 * {@link KernelClock} per port. The link times round trips from these, not from the moment its
 * thread woke up: on a busy machine that wake-up is most of a user-space round trip (measured on
 * the project's 2-core VM: 600 µs of a 700 µs link p50 against 40 µs for ping over the same veth
 * pair; with these stamps the link's p50 is within a few µs of ping's).
 *
 * <p>This class keeps {@link UdpPort}'s contract: the socket's {@code -errno} becomes
 * {@link PortUnreachableException} ({@code ECONNREFUSED}) or {@link SocketException} (on a send,
 * only the errors {@link Errno#transientSend} calls hard; the others are "not sent"), a failed
 * setup a {@link SocketException} with the native exception as its cause.
 *
 * <p>Threads: as {@link UdpPort} (the socket's own rules are the same).
 */
final class NativeUdpPort implements UdpPort, StampedUdpSocket.SendStamp {
    /** How a hard send error's message starts (iperf3: "unable to write to stream socket"). */
    static final String SEND_FAILED = "unable to send: ";
    private final StampedUdpSocket socket;
    /** Kernel stamps onto nanoTime's time line, one offset for all (used under the endpoint lock). */
    private final KernelClock kernelClock = new KernelClock();
    private long lastArrival = -1;
    /** The sink of the drain in progress (used under the endpoint lock). */
    private SendStamps drainSink;

    private NativeUdpPort(StampedUdpSocket socket) {
        this.socket = socket;
    }

    /** Whether this JVM can use native ports (see {@link StampedUdpSocket#available()}). */
    static boolean available() {
        return StampedUdpSocket.available();
    }

    static NativeUdpPort open(InetSocketAddress bind, InetSocketAddress connect, boolean shared) throws IOException {
        for (InetSocketAddress a : new InetSocketAddress[] {bind, connect}) {
            if (a != null && a.isUnresolved()) {
                throw new UnknownHostException(a.getHostString());
            }
        }
        try {
            return new NativeUdpPort(StampedUdpSocket.open(bind, connect, shared));
        } catch (NativeSocketException | IllegalArgumentException e) {
            throw new SocketException(e.getMessage(), e);
        }
    }

    @Override
    public int receive(ByteBuffer dst) throws IOException {
        if (socket.isClosed()) {
            throw new SocketException("Socket closed");
        }
        int n = socket.receive(dst);
        if (n >= 0) {
            long stamp = socket.lastReceiveRealtimeNanos(); // AncillaryData.NO_TIME is KernelClock.NONE
            long t = kernelClock.arrivalNanos(stamp, System.nanoTime());
            lastArrival = t == KernelClock.NONE ? -1 : t;
            return n;
        }
        if (n == -Errno.EAGAIN) {
            return -1;
        }
        if (n == -Errno.ECONNREFUSED) {
            throw new PortUnreachableException("ICMP port unreachable");
        }
        throw new SocketException("recvmsg: " + Errno.describe(-n));
    }

    @Override
    public void drainSendStamps(SendStamps sink) {
        drainSink = sink;
        try {
            socket.drainSendStamps(this);
        } finally {
            drainSink = null;
        }
    }

    /** One send stamp of the drain in progress, onto nanoTime's time line. */
    @Override
    public void stamped(long key, long realtimeNanos) {
        long sent = kernelClock.stampNanos(realtimeNanos, System.nanoTime());
        if (sent != KernelClock.NONE) {
            drainSink.stamped(key, sent);
        }
    }

    @Override
    public InetSocketAddress lastSource() {
        return socket.lastSource();
    }

    @Override
    public long lastArrivalNanos() {
        return lastArrival;
    }

    @Override
    public boolean send(ByteBuffer src, InetSocketAddress to, boolean stamp) throws IOException {
        int n = socket.send(src, to, stamp);
        if (n >= 0) {
            return true;
        }
        int errno = -n;
        if (Errno.transientSend(errno)) {
            return false; // a full buffer or device queue: dropped like a lossy link, or sent later
        }
        if (errno == Errno.ECONNREFUSED) {
            // An ICMP error an earlier datagram caused, which a connected socket reports on its next call.
            throw new PortUnreachableException("ICMP port unreachable");
        }
        throw new SocketException(SEND_FAILED + Errno.describe(errno));
    }

    @Override
    public void await(long timeoutNanos) {
        socket.await(timeoutNanos); // a signal (-EINTR) ends the wait early, as a wake-up does
    }

    @Override
    public void wakeup() {
        socket.wakeup();
    }

    @Override
    public InetSocketAddress localAddress() throws IOException {
        try {
            return socket.localAddress();
        } catch (NativeSocketException e) {
            throw new SocketException(e.getMessage(), e);
        }
    }

    @Override
    public boolean kernelTimestamps() {
        return true;
    }

    @Override
    public long lastSendKey() {
        return socket.lastSendKey();
    }

    @Override
    public void close() {
        socket.close();
    }
}
