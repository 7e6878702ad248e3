package io.iperf3j.dist;

import static org.assertj.core.api.Assertions.assertThat;

import io.iperf3j.testing.FreePorts;
import io.iperf3j.testing.Iperf3Binary;
import io.iperf3j.testing.Iperf3Process;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Issue 29's scale figure, from the runtime image as users install it: one server with 64
 * slots and a queue of 200, and 264 real iperf3 clients (3.12 and 3.21, TCP and UDP, from eight
 * loopback source addresses): 64 that run 10 s, and 200 started once those all run, which wait in
 * the queue. Every client must end with its results (none told
 * "busy", none cut off), and the server's peak memory and threads are sampled from /proc
 * every 100 ms: held clients cost no thread and no buffer, so the peaks stay those of the
 * running tests, whatever the queue holds. The figures go to stdout and to
 * {@code target/public-server-scale.txt} (docs/server.md quotes them).
 */
@Timeout(value = 240, unit = TimeUnit.SECONDS)
class PublicServerScaleIT {
    private static final int SLOTS = 64;
    private static final int QUEUED = 200;
    private static final int CLIENTS = SLOTS + QUEUED;

    @Test
    void sixtyFourRunningAndTwoHundredQueuedAllEndWithResults() throws Exception {
        Iperf3Binary.V3_12.requireThis();
        Iperf3Binary.V3_21.requireThis();
        Path home = Installation.unpackedImage();
        Path log = Files.createTempFile("iperf3j-scale", ".log");
        int port = FreePorts.next();
        try (Iperf3Process server = Iperf3Process.start(List.of(home.resolve("bin/iperf3j").toString(), "-s",
                "-p", Integer.toString(port), "--max-concurrent", Integer.toString(SLOTS),
                "--queue", Integer.toString(QUEUED), "--queue-timeout", "200", "--server-log", "--logfile", log.toString()))) {
            assertThat(server.awaitListening(port, Duration.ofSeconds(30))).as(server.stderr()).isTrue();
            ProcSampler sampler = ProcSampler.start(server.pid());
            List<Iperf3Process> clients = new ArrayList<>();
            long started = System.nanoTime();
            try {
                for (int i = 0; i < CLIENTS; i++) {
                    clients.add(Iperf3Process.iperf3(i % 2 == 0 ? Iperf3Binary.V3_12 : Iperf3Binary.V3_21,
                            clientArgs(i, port)));
                    if (i == SLOTS - 1) {
                        // The queue is used whatever the rate clients start at: the first SLOTS run
                        // FIRST_SECONDS, and the rest start once all of them run. (Started at once, 2 s
                        // tests reached 57 at a time in one run: clients started at 27/s, none queued.)
                        assertThat(awaitLines(log, "event=start", SLOTS, Duration.ofSeconds(60)))
                                .as("the first %d tests run", SLOTS).isEqualTo(SLOTS);
                    }
                }
                List<String> failures = new ArrayList<>();
                for (Iperf3Process c : clients) {
                    int status = c.waitFor(Duration.ofSeconds(200));
                    if (status != 0 || !c.stdout().contains("iperf Done.") || c.stdout().contains("busy")) {
                        failures.add(c.command() + " -> " + status + "\n" + c.stdout() + c.stderr());
                    }
                }
                long seconds = (System.nanoTime() - started) / 1_000_000_000L;
                sampler.stop();
                String figures = String.format(
                        "%d clients (%d slots, queue %d): %d ended with results in %d s; server peak RSS %.1f MiB"
                                + " (VmHWM), peak threads %d, peak fds %d%n",
                        CLIENTS, SLOTS, QUEUED, CLIENTS - failures.size(), seconds, sampler.peakRssKib / 1024.0,
                        sampler.peakThreads, sampler.peakFds);
                System.out.print(figures);
                Files.writeString(Path.of("target/public-server-scale.txt"), figures);
                assertThat(failures).as(figures).isEmpty();
                String serverLog = Files.readString(log);
                assertThat(serverLog).as("some clients waited in the queue").contains("event=queued");
                // Held clients cost no thread: at most the 64 tests' threads (a test thread and one per
                // stream, two for a UDP stream's reader) and the JVM's own, not one more per queued client.
                assertThat(sampler.peakThreads).as(figures).isLessThan(3 * SLOTS + 40);
                // Memory is the running tests' and the JVM's, not the queue's: the JVM's 64 MiB
                // (issue 28's idle and 300-test figures) plus, per running test, its largest buffer
                // set (a GRO receiver's 2 MiB, docs/design/udp.md) and its threads' stacks (2 x 512 KiB
                // at most touched). A queued client's thread or buffers would add 200 of either.
                long boundKib = 64 * 1024 + SLOTS * (2048 + 1024);
                assertThat(sampler.peakRssKib).as(figures).isLessThanOrEqualTo(boundKib);
            } finally {
                sampler.stop();
                clients.forEach(Iperf3Process::close);
                Files.deleteIfExists(log);
            }
        }
    }

    /** How long the first {@link #SLOTS} clients' tests run: the rest arrive while every place is taken. */
    private static final int FIRST_SECONDS = 10;

    /** Lines of the server's log holding {@code text}, polled until there are {@code n} or {@code limit} passed. */
    private static long awaitLines(Path log, String text, int n, Duration limit) throws IOException, InterruptedException {
        long deadline = System.nanoTime() + limit.toNanos();
        long seen;
        while ((seen = Files.readString(log).lines().filter(l -> l.contains(text)).count()) < n
                && System.nanoTime() - deadline < 0) {
            Thread.sleep(50);
        }
        return seen;
    }

    /**
     * Alternately TCP and UDP, some reversed, from 127.0.0.2-9 (Linux routes all of 127/8 to lo); the
     * first {@link #SLOTS} run {@link #FIRST_SECONDS}, the rest 2 s.
     */
    private static List<String> clientArgs(int i, int port) {
        List<String> args = new ArrayList<>(List.of("-c", "127.0.0.1", "-p", Integer.toString(port),
                "-B", "127.0.0." + (2 + i % 8), "-t", i < SLOTS ? Integer.toString(FIRST_SECONDS) : "2", "-b", "10M"));
        if (i % 4 >= 2) {
            args.add("-u");
        }
        if (i % 3 == 0) {
            args.add("-R");
        }
        return args;
    }

    /** Samples the server's java process: VmHWM, Threads and open fds from /proc, every 100 ms. */
    private static final class ProcSampler implements Runnable {
        private final long pid;
        private final AtomicBoolean running = new AtomicBoolean(true);
        private final Thread thread;
        volatile long peakRssKib;
        volatile int peakThreads;
        volatile int peakFds;

        private ProcSampler(long pid) {
            this.pid = pid;
            this.thread = Thread.ofPlatform().daemon().name("scale-sampler").unstarted(this);
        }

        static ProcSampler start(long launcherPid) {
            // bin/iperf3j execs the JVM, so the launcher's pid is the JVM's.
            ProcSampler s = new ProcSampler(launcherPid);
            s.thread.start();
            return s;
        }

        void stop() throws InterruptedException {
            running.set(false);
            thread.join(5_000);
        }

        @Override
        public void run() {
            Path status = Path.of("/proc", Long.toString(pid), "status");
            Path fds = Path.of("/proc", Long.toString(pid), "fd");
            while (running.get()) {
                try {
                    for (String line : Files.readAllLines(status)) {
                        if (line.startsWith("VmHWM:")) {
                            peakRssKib = Math.max(peakRssKib, Long.parseLong(line.replaceAll("\\D", "")));
                        } else if (line.startsWith("Threads:")) {
                            peakThreads = Math.max(peakThreads, Integer.parseInt(line.replaceAll("\\D", "")));
                        }
                    }
                    try (Stream<Path> open = Files.list(fds)) {
                        peakFds = (int) Math.max(peakFds, open.count());
                    }
                    Thread.sleep(100);
                } catch (IOException e) {
                    return; // the process has ended
                } catch (InterruptedException e) {
                    return;
                }
            }
        }
    }
}
