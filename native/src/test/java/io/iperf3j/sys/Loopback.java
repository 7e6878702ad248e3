package io.iperf3j.sys;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ProtocolFamily;
import java.nio.ByteBuffer;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** Real loopback TCP connections for the tests; closes everything it opened. */
final class Loopback implements AutoCloseable {
    final ServerSocketChannel server;
    final SocketChannel client;
    final SocketChannel accepted;
    private final List<java.io.Closeable> extra = new ArrayList<>();

    private Loopback(ServerSocketChannel server, SocketChannel client, SocketChannel accepted) {
        this.server = server;
        this.client = client;
        this.accepted = accepted;
    }

    /**
     * @param serverFamily null for the JDK default (dual-stack IPv6)
     * @param bindAddress  server bind address (null = wildcard)
     * @param clientFamily null for the default
     * @param connectTo    address the client connects to
     */
    static Loopback open(ProtocolFamily serverFamily, InetAddress bindAddress, ProtocolFamily clientFamily,
                         InetAddress connectTo) throws IOException {
        ServerSocketChannel server = serverFamily == null ? ServerSocketChannel.open()
                : ServerSocketChannel.open(serverFamily);
        server.bind(new InetSocketAddress(bindAddress, 0));
        int port = ((InetSocketAddress) server.getLocalAddress()).getPort();
        SocketChannel client = clientFamily == null ? SocketChannel.open() : SocketChannel.open(clientFamily);
        client.connect(new InetSocketAddress(connectTo, port));
        SocketChannel accepted = server.accept();
        return new Loopback(server, client, accepted);
    }

    static Loopback ipv4() throws IOException {
        InetAddress lo = InetAddress.getByName("127.0.0.1");
        return open(java.net.StandardProtocolFamily.INET, lo, java.net.StandardProtocolFamily.INET, lo);
    }

    /**
     * Sends {@code bytes} from client to accepted socket, the reader draining in
     * another thread, and returns once everything has been read.
     */
    void push(long bytes) throws Exception {
        Thread reader = Thread.ofPlatform().name("loopback-reader").start(() -> {
            ByteBuffer in = ByteBuffer.allocateDirect(128 * 1024);
            long got = 0;
            try {
                while (got < bytes) {
                    in.clear();
                    int n = accepted.read(in);
                    if (n < 0) {
                        break;
                    }
                    got += n;
                }
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        });
        ByteBuffer out = ByteBuffer.allocateDirect(128 * 1024);
        long sent = 0;
        while (sent < bytes) {
            out.clear();
            if (bytes - sent < out.capacity()) {
                out.limit((int) (bytes - sent));
            }
            sent += client.write(out);
        }
        reader.join(TimeUnit.SECONDS.toMillis(30));
    }

    <T extends java.io.Closeable> T track(T c) {
        extra.add(c);
        return c;
    }

    @Override
    public void close() throws IOException {
        for (java.io.Closeable c : extra) {
            c.close();
        }
        accepted.close();
        client.close();
        server.close();
    }
}
