package io.iperf3j.internal.engine;

import io.iperf3j.sys.NativeSocket;
import io.iperf3j.sys.ProcessCpu;
import io.iperf3j.internal.protocol.Cookie;

import java.util.concurrent.atomic.AtomicBoolean;

/**
 * The work a JVM's first test does once, started early on a spare thread: FFM's linker
 * and the downcall handles of CPU times and sockets, the machine's {@code system_info}
 * (from /proc), the seeding of {@link java.security.SecureRandom} (the cookie), and then
 * the classes of the results exchange (JSON in and out, {@link #warmJson()}). In a
 * fresh JVM that is 100-200 ms of one core (issue 16), which the command line otherwise
 * spends after parsing its options; started first, it runs while the
 * options are parsed, on the second core. The test's own code needs no change: it finds
 * the bindings made (or waits for the one class initialisation under way, never doing it
 * twice).
 *
 * <p>Thread: its own daemon thread, once per JVM; nothing here is required, so a
 * failure is left for the test's own first use to report.
 */
public final class OneTimeSetup {
    private static final AtomicBoolean STARTED = new AtomicBoolean();

    private OneTimeSetup() {
    }

    /** Starts the set-up on a daemon thread, the first time it is called in this JVM. */
    public static void startInBackground() {
        if (!STARTED.compareAndSet(false, true)) {
            return;
        }
        Thread t = new Thread(new Work(), "iperf3j-setup"); // not a lambda: the first one costs tens of ms
        t.setDaemon(true);
        t.start();
    }

    /**
     * The peer's results are parsed ({@code PeerJson}, {@code Double.parseDouble}'s tables) and
     * ours written (cJSON's number printer) once the test has ended: the first of each in a JVM
     * costs some milliseconds of class initialisation, spent here instead, while the test runs.
     */
    static void warmJson() {
        try {
            byte[] doc = "{\"cpu_util_total\":60.07875218765432,\"streams\":[{\"id\":1,\"bytes\":18446744073709551615}]}"
                    .getBytes(java.nio.charset.StandardCharsets.US_ASCII);
            io.iperf3j.internal.json.CJsonWriter.standard().compact(io.iperf3j.internal.json.PeerJson.parseObject(doc));
        } catch (io.iperf3j.internal.json.MalformedJsonException e) {
            throw new IllegalStateException(e); // the document above is well formed
        }
    }

    private static final class Work implements Runnable {
        @Override
        public void run() {
            try {
                NativeSocket.bindNow();
                EngineInfo.standard();
                ProcessCpu.now();
                Cookie.random();
                warmJson();
            } catch (RuntimeException | LinkageError e) {
                // The test's own first use meets the same problem and reports it.
            }
        }
    }
}
