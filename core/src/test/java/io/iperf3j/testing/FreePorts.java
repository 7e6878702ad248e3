package io.iperf3j.testing;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Ports for test servers, from 6000-6999: below Linux's ephemeral range
 * (32768-60999), so no client connection of a concurrent test can be handed one of
 * them as its local port. Each call moves on to the next port (the start depends on
 * the process id, so two test JVMs rarely walk the same ports) and returns one that
 * could be bound on the wildcard address just now. A server that still loses the race
 * fails to bind, and the callers retry with another port.
 */
public final class FreePorts {
    private static final int FIRST = 6000;
    private static final int COUNT = 1000;
    private static final AtomicInteger NEXT = new AtomicInteger((int) (ProcessHandle.current().pid() * 37 % COUNT));

    private FreePorts() {
    }

    /** A TCP port that was free on the wildcard address (IPv4 and IPv6) a moment ago. */
    public static int next() {
        for (int attempt = 0; attempt < COUNT; attempt++) {
            int port = FIRST + Math.floorMod(NEXT.getAndIncrement(), COUNT);
            if (isFree(port)) {
                return port;
            }
        }
        throw new IllegalStateException("no free TCP port in " + FIRST + "-" + (FIRST + COUNT - 1));
    }

    /** {@code n} consecutive TCP ports (the first returned) that were free a moment ago, for a server's range. */
    public static int range(int n) {
        for (int attempt = 0; attempt < COUNT; attempt++) {
            int first = FIRST + Math.floorMod(NEXT.getAndAdd(n), COUNT);
            if (first + n > FIRST + COUNT) {
                continue;
            }
            boolean free = true;
            for (int p = first; p < first + n && free; p++) {
                free = isFree(p);
            }
            if (free) {
                return first;
            }
        }
        throw new IllegalStateException("no " + n + " free TCP ports in a row in " + FIRST + "-" + (FIRST + COUNT - 1));
    }

    /** Whether a listener could bind the port now (no SO_REUSEADDR, so TIME_WAIT leftovers count as busy). */
    public static boolean isFree(int port) {
        try (ServerSocket s = new ServerSocket()) {
            s.setReuseAddress(false);
            s.bind(new InetSocketAddress(port));
            return true;
        } catch (IOException e) {
            return false;
        }
    }
}
