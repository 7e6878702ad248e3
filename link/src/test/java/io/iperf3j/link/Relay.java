package io.iperf3j.link;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.net.SocketTimeoutException;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A test-side UDP relay on loopback between one client and a server, that can drop, duplicate and
 * reorder datagrams per direction. The client connects to {@link #address()}.
 */
final class Relay implements AutoCloseable {
    /** What to do with each datagram of one direction. */
    interface Policy {
        /** Returns the datagrams to forward now (possibly none, possibly several, possibly held ones). */
        List<byte[]> on(byte[] datagram);
    }

    static Policy pass() {
        return d -> List.of(d);
    }

    /** Forwards each datagram twice. */
    static Policy duplicate() {
        return d -> List.of(d, d.clone());
    }

    /** Drops a fraction of the datagrams. */
    static Policy drop(double fraction, long seed) {
        SplittableRandom r = new SplittableRandom(seed);
        return d -> r.nextDouble() < fraction ? List.of() : List.of(d);
    }

    /** Holds every {@code every}-th datagram back until {@code delay} more have passed (reordering). */
    static Policy reorder(int every, int delay) {
        return new Policy() {
            final List<byte[]> held = new ArrayList<>();
            final List<Integer> due = new ArrayList<>();
            int n;

            @Override
            public List<byte[]> on(byte[] d) {
                n++;
                List<byte[]> out = new ArrayList<>();
                if (n % every == 0) {
                    held.add(d);
                    due.add(n + delay);
                } else {
                    out.add(d);
                }
                for (int i = 0; i < held.size(); i++) {
                    if (due.get(i) <= n) {
                        out.add(held.remove(i));
                        due.remove(i);
                        i--;
                    }
                }
                return out;
            }
        };
    }

    private final DatagramSocket front;
    private final DatagramSocket back;
    private final InetSocketAddress server;
    private volatile SocketAddress client;
    volatile Policy toServer;
    volatile Policy toClient;
    final AtomicLong forwardedToServer = new AtomicLong();
    final AtomicLong forwardedToClient = new AtomicLong();
    private final Thread up;
    private final Thread down;
    private volatile boolean running = true;

    Relay(InetSocketAddress server, Policy toServer, Policy toClient) throws IOException {
        this.server = server;
        this.toServer = toServer;
        this.toClient = toClient;
        front = new DatagramSocket(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
        back = new DatagramSocket(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
        front.setSoTimeout(50);
        back.setSoTimeout(50);
        up = Thread.ofPlatform().daemon().name("relay-up").start(() -> loop(front, true));
        down = Thread.ofPlatform().daemon().name("relay-down").start(() -> loop(back, false));
    }

    InetSocketAddress address() {
        return (InetSocketAddress) front.getLocalSocketAddress();
    }

    private void loop(DatagramSocket from, boolean upstream) {
        byte[] buf = new byte[2048];
        while (running) {
            DatagramPacket p = new DatagramPacket(buf, buf.length);
            try {
                from.receive(p);
            } catch (SocketTimeoutException e) {
                continue;
            } catch (IOException e) {
                return;
            }
            byte[] d = java.util.Arrays.copyOf(p.getData(), p.getLength());
            if (upstream) {
                client = p.getSocketAddress();
            }
            SocketAddress to = upstream ? server : client;
            if (to == null) {
                continue;
            }
            for (byte[] o : (upstream ? toServer : toClient).on(d)) {
                try {
                    (upstream ? back : front).send(new DatagramPacket(o, o.length, to));
                    (upstream ? forwardedToServer : forwardedToClient).incrementAndGet();
                } catch (IOException e) {
                    // the test sees the loss
                }
            }
        }
    }

    /** Stops both directions (≤ 1 s each) and closes the sockets; an interrupt is kept, not thrown. */
    @Override
    public void close() {
        running = false;
        try {
            up.join(1000);
            down.join(1000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } finally {
            front.close();
            back.close();
        }
    }
}
