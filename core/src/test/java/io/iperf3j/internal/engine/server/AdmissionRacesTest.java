package io.iperf3j.internal.engine.server;

import io.iperf3j.internal.engine.EngineInfo;
import io.iperf3j.internal.options.IperfOptions;
import io.iperf3j.internal.options.OptionParser;
import io.iperf3j.internal.options.ParseResult;
import io.iperf3j.internal.output.OutputSink;
import io.iperf3j.internal.protocol.ControlState;
import io.iperf3j.internal.protocol.Cookie;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Admission racing {@link IperfServer#close()} (bug 3) and the busy line's count (bug 5),
 * each interleaving forced through the server's test seams: no sleeps, no retries.
 */
@Timeout(60)
class AdmissionRacesTest {
    private static final byte PARAM_EXCHANGE = ControlState.PARAM_EXCHANGE.wireByte();
    private static final byte SERVER_TERMINATE = ControlState.SERVER_TERMINATE.wireByte();
    private static final byte ACCESS_DENIED = ControlState.ACCESS_DENIED.wireByte();
    /** How long a client waits for the server to close its connection; far above what any answer takes. */
    private static final int CLOSE_DEADLINE_MS = 20_000;

    /** A server on an ephemeral loopback port, serving on a thread of its own, its stderr kept. */
    private static final class Running implements AutoCloseable {
        final IperfServer server;
        final CompletableFuture<Void> served = new CompletableFuture<>();
        private final ByteArrayOutputStream err = new ByteArrayOutputStream();

        Running(Runnable slotTaken, Runnable testsToldToEnd, String... extra) throws Exception {
            List<String> args = new ArrayList<>(List.of("-s", "--server-log"));
            args.addAll(List.of(extra));
            ParseResult r = OptionParser.parse(args.toArray(String[]::new));
            IperfOptions options = ((ParseResult.Run) r).options().toBuilder().port(0).bindAddress("127.0.0.1").build();
            OutputSink sink = OutputSink.of(new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8),
                    new PrintStream(err, true, StandardCharsets.UTF_8), false);
            server = new IperfServer(options, sink, EngineInfo.standard(), null);
            // Setup bound: what ends a test nobody told to end, well inside the client's deadline.
            server.limits(ServerLimits.DEFAULTS.withSetupTimeout(Duration.ofSeconds(3)));
            server.seams(slotTaken, testsToldToEnd);
            server.bind();
            Thread.ofPlatform().daemon().name("admission-races-serve").start(() -> {
                try {
                    server.serve();
                    served.complete(null);
                } catch (Throwable e) {
                    served.completeExceptionally(e);
                }
            });
        }

        String log() {
            synchronized (err) {
                return err.toString(StandardCharsets.UTF_8);
            }
        }

        @Override
        public void close() {
            server.close();
        }
    }

    /** Connects and sends a fresh cookie: a new test's control connection. */
    private static Socket newTest(int port) throws IOException {
        Socket s = new Socket();
        s.connect(new InetSocketAddress("127.0.0.1", port), 5000);
        s.getOutputStream().write(Cookie.random().wireBytes());
        s.getOutputStream().flush();
        return s;
    }

    /** Everything the server sends until it closes; fails if it does not close by the deadline. */
    private static byte[] readToEof(Socket s) throws IOException {
        ByteArrayOutputStream all = new ByteArrayOutputStream();
        long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(CLOSE_DEADLINE_MS);
        InputStream in = s.getInputStream();
        byte[] buf = new byte[256];
        while (true) {
            long left = TimeUnit.NANOSECONDS.toMillis(deadline - System.nanoTime());
            assertThat(left).as("the server closes the connection").isPositive();
            s.setSoTimeout((int) left);
            int n;
            try {
                n = in.read(buf);
            } catch (SocketTimeoutException e) {
                throw new AssertionError("the server did not close within " + CLOSE_DEADLINE_MS + " ms; got "
                        + java.util.Arrays.toString(all.toByteArray()), e);
            }
            if (n < 0) {
                return all.toByteArray();
            }
            all.write(buf, 0, n);
        }
    }

    private static void await(CountDownLatch l) throws InterruptedException {
        assertThat(l.await(20, TimeUnit.SECONDS)).as("latch reached").isTrue();
    }

    @Test
    void aTestAdmittedWhileTheServerClosesIsToldToEnd() throws Exception {
        CountDownLatch toldToEnd = new CountDownLatch(1);
        CompletableFuture<Void> closed = new CompletableFuture<>();
        Running[] holder = new Running[1];
        // The interleaving of bug 3: the new test has passed admission, then close() runs its
        // whole walk over the running tests, and only then does the test's session exist.
        Runnable closeInTheWindow = () -> {
            Thread.ofPlatform().name("admission-races-close").start(() -> {
                holder[0].server.close();
                closed.complete(null);
            });
            try {
                await(toldToEnd);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        };
        try (Running r = new Running(closeInTheWindow, toldToEnd::countDown)) {
            holder[0] = r;
            try (Socket client = newTest(r.server.port())) {
                assertThat(readToEof(client))
                        .as("PARAM_EXCHANGE, then SERVER_TERMINATE at once (not the setup bound's SERVER_ERROR); log:\n%s",
                                r.log())
                        .containsExactly(PARAM_EXCHANGE, SERVER_TERMINATE);
            }
            closed.get(20, TimeUnit.SECONDS);
            assertThat(r.server.activeTests()).as("close() returned with no test left").isZero();
            r.served.get(20, TimeUnit.SECONDS);
        }
    }

    @Test
    void aTestAtItsParametersIsToldServerTerminateOnClose() throws Exception {
        try (Running r = new Running(() -> { }, () -> { })) {
            try (Socket client = newTest(r.server.port())) {
                assertThat(client.getInputStream().read()).as("PARAM_EXCHANGE").isEqualTo(PARAM_EXCHANGE);
                r.server.close();
                assertThat(r.server.activeTests()).as("close() waited for the test").isZero();
                assertThat(readToEof(client)).containsExactly(SERVER_TERMINATE);
            }
            r.served.get(20, TimeUnit.SECONDS);
        }
    }

    @Test
    void theBusyLineCountsTheTestThatHoldsTheOnlySlot() throws Exception {
        CountDownLatch inWindow = new CountDownLatch(1);
        CountDownLatch proceed = new CountDownLatch(1);
        AtomicBoolean first = new AtomicBoolean(true);
        // Bug 5's window: the first test holds the only slot and has no session yet.
        Runnable holdTheFirst = () -> {
            if (first.getAndSet(false)) {
                inWindow.countDown();
                try {
                    await(proceed);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }
        };
        try (Running r = new Running(holdTheFirst, () -> { }, "--max-concurrent", "1");
             Socket holder = newTest(r.server.port())) {
            await(inWindow);
            try (Socket refused = newTest(r.server.port())) {
                assertThat(readToEof(refused)).as("the busy answer").containsExactly(ACCESS_DENIED);
            }
            String busy = r.log().lines().filter(l -> l.contains("event=busy")).findFirst().orElseThrow();
            assertThat(busy).as("the count admission refused by").contains("running=1 max=1");
            proceed.countDown();
            assertThat(holder.getInputStream().read()).as("the held test runs on").isEqualTo(PARAM_EXCHANGE);
        }
    }
}
