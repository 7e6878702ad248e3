package io.iperf3j;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * A server's place held from outside ({@link RunningIperf#holdSlot()}, issue 69's agent: one slot for both ends of a host):
 * while held, a client that arrives waits in the {@code --queue} and starts only once the place is given back.
 */
@Timeout(60)
class ServerSlotTest {
    @Test
    void aClientArrivingWhileThePlaceIsHeldWaitsInTheQueueUntilItIsGivenBack() throws Exception {
        CopyOnWriteArrayList<ServerEvent> events = new CopyOnWriteArrayList<>();
        CountDownLatch queued = new CountDownLatch(1);
        RunningIperf server = IperfCommand.server().port(0).longLived().bind("127.0.0.1")
                .args("--max-concurrent", "1", "--queue", "2").serverEvents(e -> {
                    events.add(e);
                    if (e instanceof ServerEvent.Queued) {
                        queued.countDown();
                    }
                }).spawn();
        try {
            int port = server.localPort().orElseThrow();
            Optional<ServerSlot> held = server.holdSlot();
            assertThat(held).as("the one place, free").isPresent();
            assertThat(server.holdSlot()).as("held once").isEmpty();
            RunningIperf client = IperfCommand.client("127.0.0.1").port(port).duration(Duration.ofSeconds(1)).spawn();
            assertThat(queued.await(20, TimeUnit.SECONDS)).as("the client waits in the queue: %s", events).isTrue();
            assertThat(events).noneMatch(e -> e instanceof ServerEvent.Started);
            Instant given = Instant.now();
            held.get().close();
            held.get().close(); // a second close gives nothing back twice
            IperfResult r = client.await();
            assertThat(r.succeeded()).as("%s", r.error()).isTrue();
            ServerEvent.Started started = events.stream().filter(e -> e instanceof ServerEvent.Started)
                    .map(e -> (ServerEvent.Started) e).findFirst().orElseThrow();
            assertThat(started.time()).as("the test starts once the place is back").isAfterOrEqualTo(given);
            await(() -> server.holdSlot().map(s -> {
                s.close();
                return true;
            }).orElse(false));
        } finally {
            server.cancel();
        }
        assertThat(server.holdSlot()).as("a stopped server holds nothing").isEmpty();
    }

    /** Waits (10 s at most) for the test's place to come back after its end. */
    private static void await(java.util.function.BooleanSupplier free) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (!free.getAsBoolean()) {
            assertThat(System.nanoTime()).as("the place came back after the test").isLessThan(deadline);
            Thread.sleep(20);
        }
    }
}
