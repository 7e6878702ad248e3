package io.iperf3j.link.internal;

import java.io.IOException;
import java.net.Inet6Address;
import java.net.InetSocketAddress;
import java.net.PortUnreachableException;
import java.net.SocketAddress;
import java.net.SocketException;
import java.net.StandardProtocolFamily;
import java.nio.ByteBuffer;
import java.nio.channels.DatagramChannel;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;

/**
 * The portable {@link UdpPort}: a non-blocking {@code DatagramChannel} and a {@code Selector}. Receive
 * times are the time of the read (the JDK exposes no kernel timestamp), so they include the thread's
 * wake-up; used where {@link NativeUdpPort} is not available.
 */
final class ChannelUdpPort implements UdpPort {
    /** glibc's {@code strerror(ENOBUFS)}, which the JDK's exception carries as its message. */
    private static final String NO_BUFFER_SPACE = "No buffer space available";
    private final DatagramChannel channel;
    private final Selector selector;
    private final boolean connected;
    private InetSocketAddress lastSource;

    private ChannelUdpPort(DatagramChannel channel, Selector selector, boolean connected) {
        this.channel = channel;
        this.selector = selector;
        this.connected = connected;
    }

    static ChannelUdpPort open(InetSocketAddress bind, InetSocketAddress connect, boolean shared) throws IOException {
        boolean v6 = (connect != null && connect.getAddress() instanceof Inet6Address);
        DatagramChannel ch = connect == null ? DatagramChannel.open()
                : DatagramChannel.open(v6 ? StandardProtocolFamily.INET6 : StandardProtocolFamily.INET);
        try {
            ch.configureBlocking(false);
            if (shared) {
                ch.setOption(java.net.StandardSocketOptions.SO_REUSEADDR, true);
            }
            ch.bind(bind);
            if (connect != null) {
                ch.connect(connect);
            }
            Selector s = Selector.open();
            ch.register(s, SelectionKey.OP_READ);
            return new ChannelUdpPort(ch, s, connect != null);
        } catch (IOException | RuntimeException e) {
            ch.close();
            throw e;
        }
    }

    @Override
    public int receive(ByteBuffer dst) throws IOException {
        int start = dst.position();
        if (connected) {
            int n = channel.read(dst);
            if (n <= 0) {
                return -1;
            }
            lastSource = (InetSocketAddress) channel.getRemoteAddress();
            return n;
        }
        SocketAddress from = channel.receive(dst);
        if (from == null) {
            return -1;
        }
        lastSource = (InetSocketAddress) from;
        return dst.position() - start;
    }

    @Override
    public InetSocketAddress lastSource() {
        return lastSource;
    }

    @Override
    public long lastArrivalNanos() {
        return -1;
    }

    @Override
    public boolean send(ByteBuffer src, InetSocketAddress to, boolean stamp) throws IOException {
        try {
            return (to == null ? channel.write(src) : channel.send(src, to)) > 0; // 0: EAGAIN, a full buffer
        } catch (PortUnreachableException e) {
            throw e; // an ICMP error of an earlier datagram (ECONNREFUSED), as NativeUdpPort reports it
        } catch (IOException e) {
            // The JDK gives no errno, only strerror's text: ENOBUFS is the one other soft error
            // (Errno.transientSend); anything else is a hard error, reported as the native port does.
            if (NO_BUFFER_SPACE.equals(e.getMessage())) {
                return false;
            }
            throw new SocketException(NativeUdpPort.SEND_FAILED + e.getMessage(), e);
        }
    }

    @Override
    public void await(long timeoutNanos) throws IOException {
        if (timeoutNanos <= 0) {
            selector.selectNow();
        } else {
            // select(ms) would round down: wait at least 1 ms.
            selector.select(Math.max(1, (timeoutNanos + 999_999) / 1_000_000));
        }
        selector.selectedKeys().clear();
    }

    @Override
    public void wakeup() {
        selector.wakeup();
    }

    @Override
    public InetSocketAddress localAddress() throws IOException {
        return (InetSocketAddress) channel.getLocalAddress();
    }

    @Override
    public boolean kernelTimestamps() {
        return false;
    }

    @Override
    public void close() {
        try {
            channel.close();
        } catch (IOException ignored) {
            // closing
        }
        selector.wakeup();
        try {
            selector.close();
        } catch (IOException ignored) {
            // closing
        }
    }
}
