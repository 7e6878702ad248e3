package io.iperf3j;

import java.time.Duration;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

/**
 * The first {@link IperfClient#run} of a fresh JVM, timed: run by {@link ColdStartTest} as
 * a child process with the test class path (so nothing of the engine is loaded before the
 * call, as in an application that starts its first test). Arguments: the server's port.
 * Prints one line {@code construct_us=N run_us=N callback_ms=N keys=[...]} and exits 0
 * when the callback came, 1 otherwise.
 */
public final class ColdClientProbe {
    /** The line's prefix, so the parent finds it among anything else the JVM prints. */
    static final String PREFIX = "cold-run:";

    private ColdClientProbe() {
    }

    public static void main(String[] args) throws Exception {
        int port = Integer.parseInt(args[0]);
        CompletableFuture<Map<String, Object>> result = new CompletableFuture<>();
        // Made before the clock starts: the application's callback exists before it calls run.
        Consumer<Map<String, Object>> callback = result::complete;
        long t0 = System.nanoTime();
        IperfClient client = new IperfClient("127.0.0.1", port, Duration.ofSeconds(1));
        long t1 = System.nanoTime();
        client.run(callback);
        long t2 = System.nanoTime();
        Map<String, Object> map = result.get(30, TimeUnit.SECONDS);
        long t3 = System.nanoTime();
        System.out.println(PREFIX + " construct_us=" + (t1 - t0) / 1000 + " run_us=" + (t2 - t1) / 1000
                + " callback_ms=" + (t3 - t1) / 1_000_000 + " keys=" + map.keySet());
        System.out.flush();
        System.exit(map.containsKey("end") ? 0 : 1);
    }
}
