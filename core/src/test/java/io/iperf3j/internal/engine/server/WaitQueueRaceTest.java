package io.iperf3j.internal.engine.server;

import io.iperf3j.ServerEvent;
import io.iperf3j.internal.options.ServerLogFormat;
import io.iperf3j.internal.output.OutputSink;
import io.iperf3j.internal.protocol.Cookie;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.BiConsumer;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Hammers admission with a queue: eight flooding addresses keep the queue full (each test ends
 * as soon as it starts, as a cookie followed by FIN does), while newcomers from other addresses
 * arrive one at a time. With {@code --max-per-client 1} the flood runs at most 8 of the 16
 * places, so a place is always free for a newcomer: none may be told busy. Before issue 36 a
 * newcomer that arrived while a freed place waited for the lobby thread was sent to the (full)
 * queue and refused {@code queue_full}: with that code this test failed (newcomers
 * refused, 2026-11-26); it takes about 3 s.
 */
@Timeout(60)
class WaitQueueRaceTest {
    private static final int PLACES = 16;
    private static final int QUEUE = 16;
    private static final int FLOOD_KEYS = 8;
    /** Arrivals each flooding address has on their way at once (more than its part of the queue). */
    private static final int FLOOD_IN_FLIGHT = 24;
    private static final int NEWCOMERS = 300;

    @Test
    void noNewcomerIsToldBusyWhileAPlaceIsFree() throws Exception {
        Map<String, Semaphore> floodPermits = new ConcurrentHashMap<>();
        for (int k = 1; k <= FLOOD_KEYS; k++) {
            floodPermits.put("10.0.0." + k, new Semaphore(FLOOD_IN_FLIGHT));
        }
        ConcurrentLinkedQueue<ServerEvent.Refused> newcomersRefused = new ConcurrentLinkedQueue<>();
        AtomicInteger floodRefused = new AtomicInteger();
        EventFanout events = new EventFanout(new ServerLog(OutputSink.discarding(), "iperf3j", null, ServerLogFormat.OFF),
                m -> { });
        Map<Integer, SocketChannel> clientSides = new ConcurrentHashMap<>();
        events.add(e -> {
            if (e instanceof ServerEvent.Refused r) {
                close(clientSides.remove(r.port()));
                Semaphore s = floodPermits.get(r.address());
                if (s != null) {
                    floodRefused.incrementAndGet();
                    s.release();
                } else {
                    newcomersRefused.add(r);
                }
            }
        });
        AtomicReference<WaitQueue> queue = new AtomicReference<>();
        SlotPool pool = new SlotPool(PLACES, false, 1, () -> queue.get().slotFreed());
        CookieTable cookies = new CookieTable();
        Map<Arrival, Runnable> onEnd = new ConcurrentHashMap<>();
        AtomicLong floodStarted = new AtomicLong();
        try (ExecutorService tests = Executors.newVirtualThreadPerTaskExecutor();
             ServerSocketChannel listener = ServerSocketChannel.open().bind(new InetSocketAddress("127.0.0.1", 0));
             Lobby lobby = Lobby.start()) {
            // A test ends as soon as it starts, on a thread of its own (as a test thread would).
            BiConsumer<Arrival, Slot> launch = (a, slot) -> tests.execute(() -> {
                close(a.channel());
                close(clientSides.remove(a.client().getPort()));
                slot.close();
                onEnd.remove(a).run();
            });
            WaitQueue q = new WaitQueue(QUEUE, Duration.ofSeconds(60), pool, events, cookies,
                    new RefuseBusy(events, pool::running, pool.max(), cookies), launch);
            queue.set(q);
            q.attach(lobby);
            Admission admission = new Admission(q, q);
            AtomicLong order = new AtomicLong();
            List<Thread> flood = new ArrayList<>();
            AtomicBoolean stop = new AtomicBoolean();
            for (String source : floodPermits.keySet()) {
                Semaphore permits = floodPermits.get(source);
                flood.add(Thread.ofPlatform().name("flood-" + source).start(() -> {
                    try {
                        while (!stop.get()) {
                            if (!permits.tryAcquire(100, TimeUnit.MILLISECONDS)) {
                                continue;
                            }
                            Arrival a = arrival(listener, source, order.incrementAndGet(), clientSides);
                            onEnd.put(a, () -> {
                                floodStarted.incrementAndGet();
                                permits.release();
                            });
                            cookies.route(a);
                            admission.admit(a, launch);
                        }
                    } catch (IOException | InterruptedException e) {
                        throw new IllegalStateException(e);
                    }
                }));
            }
            for (int i = 0; i < NEWCOMERS; i++) {
                String source = "10.1." + (i / 250) + "." + (1 + i % 250);
                Arrival a = arrival(listener, source, order.incrementAndGet(), clientSides);
                CountDownLatch done = new CountDownLatch(1);
                onEnd.put(a, done::countDown);
                cookies.route(a);
                int refusedBefore = newcomersRefused.size();
                admission.admit(a, launch);
                if (newcomersRefused.size() > refusedBefore) {
                    continue; // refused: the assertion below reports it
                }
                // One newcomer at a time: the flood (at most 8 places) and it never fill the 16.
                assertThat(done.await(10, TimeUnit.SECONDS)).as("newcomer %d served", i).isTrue();
            }
            stop.set(true);
            for (Thread t : flood) {
                t.join(5000);
            }
            System.out.printf("WaitQueueRaceTest: %d newcomers, flood: %d started, %d refused%n",
                    NEWCOMERS, floodStarted.get(), floodRefused.get());
            assertThat(floodRefused.get()).as("the flood kept the queue full (its own arrivals were refused)")
                    .isPositive();
            assertThat(newcomersRefused).as("newcomers told busy while a place was free").isEmpty();
        }
    }

    /**
     * A real connection (its channel goes into the lobby's selector) that says it comes from
     * {@code source}, from a port that names it until it ends ({@code clientSides} keeps the
     * client's side open till then: a close would make a queued arrival leave).
     */
    private static Arrival arrival(ServerSocketChannel listener, String source, long order,
                                   Map<Integer, SocketChannel> clientSides) throws IOException {
        SocketChannel client = SocketChannel.open(listener.getLocalAddress());
        SocketChannel server = listener.accept();
        int port = (int) (1 + order % 60_000);
        clientSides.put(port, client);
        return new Arrival(server, Cookie.random(), new InetSocketAddress(source, port), order);
    }

    private static void close(SocketChannel ch) {
        if (ch == null) {
            return;
        }
        try {
            ch.close();
        } catch (IOException ignored) {
            // closed either way
        }
    }
}
