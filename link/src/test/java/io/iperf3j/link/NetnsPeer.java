package io.iperf3j.link;

import io.iperf3j.RttFigures;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;

/**
 * One end of {@link LinkNetnsTest}, run as a process inside a namespace. Prints {@code READY} when
 * set up and {@code RESULT key=value ...} lines; ends when its stdin closes (or its work is done).
 *
 * <ul>
 * <li>{@code server ADDR PORT}: a LinkServer; on stdin's end prints what it received: count,
 *     whether the reliable messages came exactly once, whether the ordered ones came in order.</li>
 * <li>{@code send HOST PORT COUNT}: pump-mode client sending COUNT messages (even: reliable,
 *     odd: ordered), one per update at about 10 000/s, until every one is acked.</li>
 * <li>{@code probe HOST PORT INTERVAL_MS COUNT}: a LatencyProbe; prints the RTT p50 in µs.</li>
 * <li>{@code hold HOST PORT TIMEOUT_MS}: a client with that timeout and 50 ms pings; prints
 *     {@code ERROR} with the text when the connection fails.</li>
 * </ul>
 */
public final class NetnsPeer {
    private NetnsPeer() {
    }

    public static void main(String[] args) throws Exception {
        switch (args[0]) {
            case "server" -> server(args);
            case "send" -> send(args);
            case "probe" -> probe(args);
            case "hold" -> hold(args);
            default -> throw new IllegalArgumentException(args[0]);
        }
        System.out.flush();
        System.exit(0);
    }

    private static InetSocketAddress addr(String host, String port) throws Exception {
        return new InetSocketAddress(InetAddress.getByName(host), Integer.parseInt(port));
    }

    private static void server(String[] args) throws Exception {
        ConcurrentLinkedQueue<Msg.Seq> got = new ConcurrentLinkedQueue<>();
        // duplicates dropped by peers that have disconnected (a client's peer is gone once it says goodbye)
        AtomicLong goneDupes = new AtomicLong();
        try (LinkServer s = new LinkServer(Msg.types(), LinkConfig.defaults(), new ServerListener() {
            @Override
            public void onMessage(Peer peer, Record message) {
                got.add((Msg.Seq) message);
            }

            @Override
            public void onDisconnect(Peer peer) {
                goneDupes.addAndGet(peer.metrics().duplicatesDropped());
            }
        })) {
            s.listen(addr(args[1], args[2]));
            s.startBackground();
            System.out.println("READY");
            System.out.flush();
            BufferedReader in = new BufferedReader(new InputStreamReader(System.in));
            while (in.readLine() != null) {
                // wait for stdin's end
            }
            List<Integer> reliable = new ArrayList<>();
            List<Integer> ordered = new ArrayList<>();
            for (Msg.Seq m : got) {
                (m.stream() == 0 ? reliable : ordered).add(m.n());
            }
            boolean inOrder = true;
            for (int k = 0; k < ordered.size(); k++) {
                inOrder &= ordered.get(k) == 2 * k + 1;
            }
            java.util.Collections.sort(reliable);
            boolean once = true;
            for (int k = 0; k < reliable.size(); k++) {
                once &= reliable.get(k) == 2 * k;
            }
            long dupes = goneDupes.get() + s.peers().stream().mapToLong(p -> p.metrics().duplicatesDropped()).sum();
            System.out.printf("RESULT received=%d reliable=%d ordered=%d exactlyOnce=%b inOrder=%b duplicates=%d%n",
                    got.size(), reliable.size(), ordered.size(), once, inOrder, dupes);
        }
    }

    private static void send(String[] args) throws Exception {
        int count = Integer.parseInt(args[3]);
        try (LinkClient c = new LinkClient(Msg.types(), LinkConfig.defaults(), null)) {
            c.connect(addr(args[1], args[2]));
            long end = System.nanoTime() + 10_000_000_000L;
            while (c.state() == LinkState.CONNECTING && System.nanoTime() < end) {
                c.update();
                LockSupport.parkNanos(100_000);
            }
            System.out.println("READY " + c.state());
            int i = 0;
            long deadline = System.nanoTime() + 120_000_000_000L;
            while (System.nanoTime() < deadline && c.state() == LinkState.CONNECTED) {
                if (i < count && c.send(new Msg.Seq(i, i % 2), i % 2 == 0 ? Delivery.RELIABLE : Delivery.ORDERED).queued()) {
                    i++;
                }
                c.update();
                if (i >= count && c.metrics().pendingAcks() == 0) {
                    break;
                }
                LockSupport.parkNanos(100_000);
            }
            LinkMetrics m = c.metrics();
            System.out.printf("RESULT sent=%d pending=%d resends=%d outPackets=%d outMessages=%d state=%s%n", i,
                    m.pendingAcks(), m.resends(), m.outPackets(), m.outMessages(), c.state());
            c.disconnect();
        }
    }

    private static void probe(String[] args) throws Exception {
        int interval = Integer.parseInt(args[3]);
        int count = Integer.parseInt(args[4]);
        try (LatencyProbe p = LatencyProbe.start(addr(args[1], args[2]), Duration.ofMillis(interval), LinkConfig.defaults())) {
            if (!p.awaitConnected(Duration.ofSeconds(5))) {
                System.out.println("RESULT failed=" + p.state());
                return;
            }
            System.out.println("READY");
            Thread.sleep(500); // warm-up, then measure a fresh interval
            p.takeInterval();
            long end = System.nanoTime() + 60_000_000_000L;
            while (p.total().count() < count + 50 && System.nanoTime() < end) {
                Thread.sleep(interval);
            }
            RttFigures s = p.takeInterval();
            System.out.printf(Locale.ROOT, "RESULT count=%d lost=%d p50=%.1f p90=%.1f min=%.1f%n", s.count(), s.lost(),
                    s.p50Micros(), s.p90Micros(), s.minMicros());
        }
    }

    private static void hold(String[] args) throws Exception {
        int timeout = Integer.parseInt(args[3]);
        LinkConfig cfg = LinkConfig.defaults().withTimeout(Duration.ofMillis(timeout)).withPingInterval(Duration.ofMillis(50));
        java.util.concurrent.CountDownLatch failed = new java.util.concurrent.CountDownLatch(1);
        String[] text = new String[1];
        try (LinkClient c = new LinkClient(Msg.types(), cfg, new ClientListener() {
            @Override
            public void onError(LinkClient client, String t) {
                text[0] = t;
                failed.countDown();
            }
        })) {
            c.connect(addr(args[1], args[2]));
            c.startBackground();
            long end = System.nanoTime() + 5_000_000_000L;
            while (c.state() != LinkState.CONNECTED && System.nanoTime() < end) {
                Thread.sleep(5);
            }
            System.out.println("READY " + c.state());
            System.out.flush();
            failed.await(3L * timeout + 10_000, java.util.concurrent.TimeUnit.MILLISECONDS);
            System.out.println("ERROR " + text[0]);
        }
    }
}
