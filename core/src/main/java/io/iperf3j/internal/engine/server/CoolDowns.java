package io.iperf3j.internal.engine.server;

import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

/**
 * {@code --cool-down}: the {@link ClientKey}s whose test the server cut for its rate
 * ({@code --total-rate}'s UDP police, {@code --server-bitrate-limit}), each with the moment its
 * cool-down ends. A new test of a key that is cooling down is refused before it takes a place
 * or a queue place, so a policed upload that restarts at once gets no second window.
 *
 * <p>Threads: test threads add keys ({@link #cut}), handshake threads read them
 * ({@link #secondsLeft}); the map is concurrent. At most {@link #MAX_KEYS} keys are kept (each
 * costs its address a test run to its police window); at the bound, ended cool-downs are
 * dropped first, and a key that still finds no room is not remembered.
 */
final class CoolDowns {
    static final int MAX_KEYS = 65_536;
    private final long coolDownNanos;
    /** Each cooling key's end (nanoTime). */
    private final ConcurrentHashMap<ClientKey, Long> until = new ConcurrentHashMap<>();

    /** @param coolDown how long a cut key is refused; zero for not at all */
    CoolDowns(Duration coolDown) {
        this.coolDownNanos = coolDown.toNanos();
    }

    /** The test of {@code client} was cut for its rate at {@code now} (nanoTime). */
    void cut(InetSocketAddress client, long now) {
        ClientKey key = ClientKey.of(client);
        if (coolDownNanos <= 0 || key == null) {
            return;
        }
        if (until.size() >= MAX_KEYS) {
            until.values().removeIf(end -> now - end >= 0);
            if (until.size() >= MAX_KEYS) {
                return;
            }
        }
        until.put(key, now + coolDownNanos);
    }

    /** Whole seconds (rounded up) until {@code client} may test again; 0 when it may now. */
    long secondsLeft(InetSocketAddress client, long now) {
        ClientKey key = ClientKey.of(client);
        Long end = key == null ? null : until.get(key);
        if (end == null) {
            return 0;
        }
        long left = end - now;
        if (left <= 0) {
            until.remove(key, end);
            return 0;
        }
        return (left + TimeUnit.SECONDS.toNanos(1) - 1) / TimeUnit.SECONDS.toNanos(1);
    }

    /** {@code --cool-down} in whole seconds. */
    long seconds() {
        return TimeUnit.NANOSECONDS.toSeconds(coolDownNanos);
    }
}
