package io.iperf3j.link;

import java.time.Duration;
import java.util.Objects;
import java.util.function.LongSupplier;

/**
 * Settings of an endpoint. {@link #defaults()} gives legume's figures; the {@code with...}
 * methods return changed copies.
 *
 * @param timeout              no datagram for this long: "Connection timed out" (also the connect timeout)
 * @param pingInterval         how often each side sends a ping (legume: 2 s)
 * @param keepAliveInterval    how often the server sends a keep-alive request (legume: timeout / 2)
 * @param maxQueuedMessages    bound of the out-buffer, counted in messages, per connection
 * @param maxInFlightBytes     reliable bytes sent and not yet acked, per connection, at most (the send window);
 *                             further reliable messages wait in the out-buffer. The default, 64 KiB, is what a
 *                             receiver's socket buffer holds at the Linux default size even if it stops reading
 *                             for a while, so a fast sender cannot overrun it (docs/design/link.md, "Resends on a
 *                             lossless path")
 * @param maxPeers             server: connected peers at most; further requests are rejected
 * @param maxHalfOpen          server: accepted-but-unconfirmed peers at most; further requests are dropped
 * @param pongsPerSecond       server: pongs per second answered per peer (token bucket), beyond which pings go unanswered
 * @param pongBurst            server: the bucket's depth
 * @param maxPerUpdate         datagrams read per {@code update()} at most (the rest wait for the next one)
 * @param waitForServer        client: whether an ICMP port-unreachable while connecting means "no server yet, keep
 *                             asking until the timeout" (true, the default: a client may start before its server)
 *                             or ends the connect at once with "Connection refused" (false: the command's client,
 *                             as iperf3's UDP client ends on {@code ECONNREFUSED})
 * @param clock                monotonic nanoseconds ({@link #SYSTEM_CLOCK}; tests may pass a manual clock, and then
 *                             a datagram arrives when it is read: the kernel's times are real time and mean
 *                             nothing on another clock)
 */
public record LinkConfig(
        Duration timeout,
        Duration pingInterval,
        Duration keepAliveInterval,
        int maxQueuedMessages,
        int maxInFlightBytes,
        int maxPeers,
        int maxHalfOpen,
        int pongsPerSecond,
        int pongBurst,
        int maxPerUpdate,
        boolean waitForServer,
        LongSupplier clock) {

    /** Largest datagram sent or accepted, bytes (legume's {@code MTU}). */
    public static final int MTU = 1400;
    /** Protocol version carried by the connect request; legume's was 4, this wire is 7 (docs/design/link.md). */
    public static final int PROTOCOL_VERSION = 7;
    /** Hard bound of {@link #maxQueuedMessages()}: keeps reliable ids inside the receiver's 32 768-id window. */
    public static final int MAX_QUEUED_LIMIT = 16_384;
    /** {@link System#nanoTime()}: the clock of {@link #defaults()}, the only one the kernel's times are put on. */
    public static final LongSupplier SYSTEM_CLOCK = System::nanoTime;
    /** Default {@link #maxInFlightBytes()}. */
    public static final int DEFAULT_IN_FLIGHT_BYTES = 65_536;
    /** Largest {@link #maxInFlightBytes()}. */
    public static final int MAX_IN_FLIGHT_LIMIT = 64 << 20;

    public LinkConfig {
        Objects.requireNonNull(clock, "clock");
        positive(timeout, "timeout");
        positive(pingInterval, "pingInterval");
        positive(keepAliveInterval, "keepAliveInterval");
        if (maxQueuedMessages < 1 || maxQueuedMessages > MAX_QUEUED_LIMIT) {
            throw new IllegalArgumentException("maxQueuedMessages must be 1.." + MAX_QUEUED_LIMIT + ": " + maxQueuedMessages);
        }
        if (maxInFlightBytes < MTU || maxInFlightBytes > MAX_IN_FLIGHT_LIMIT) {
            throw new IllegalArgumentException("maxInFlightBytes must be " + MTU + ".." + MAX_IN_FLIGHT_LIMIT + ": "
                    + maxInFlightBytes);
        }
        if (maxPeers < 1 || maxHalfOpen < 1 || pongsPerSecond < 1 || pongBurst < 1 || maxPerUpdate < 1) {
            throw new IllegalArgumentException("maxPeers, maxHalfOpen, pongsPerSecond, pongBurst and maxPerUpdate must be positive");
        }
    }

    private static void positive(Duration d, String name) {
        Objects.requireNonNull(d, name);
        if (d.isNegative() || d.isZero()) {
            throw new IllegalArgumentException(name + " must be positive: " + d);
        }
    }

    /** legume's settings: 10 s timeout, pings every 2 s, keep-alive every 5 s; 256 peers, 64 half-open. */
    public static LinkConfig defaults() {
        return new LinkConfig(Duration.ofSeconds(10), Duration.ofSeconds(2), Duration.ofSeconds(5), 8192,
                DEFAULT_IN_FLIGHT_BYTES, 256, 64, 1000, 100, 1024, true, SYSTEM_CLOCK);
    }

    /** A copy with another timeout; the keep-alive interval follows at half of it (legume's rule). */
    public LinkConfig withTimeout(Duration t) {
        return new LinkConfig(t, pingInterval, t.dividedBy(2), maxQueuedMessages, maxInFlightBytes, maxPeers, maxHalfOpen,
                pongsPerSecond, pongBurst, maxPerUpdate, waitForServer, clock);
    }

    public LinkConfig withPingInterval(Duration d) {
        return new LinkConfig(timeout, d, keepAliveInterval, maxQueuedMessages, maxInFlightBytes, maxPeers, maxHalfOpen,
                pongsPerSecond, pongBurst, maxPerUpdate, waitForServer, clock);
    }

    public LinkConfig withMaxQueuedMessages(int n) {
        return new LinkConfig(timeout, pingInterval, keepAliveInterval, n, maxInFlightBytes, maxPeers, maxHalfOpen,
                pongsPerSecond, pongBurst, maxPerUpdate, waitForServer, clock);
    }

    /** A copy with another send window ({@link #maxInFlightBytes()}). */
    public LinkConfig withMaxInFlightBytes(int bytes) {
        return new LinkConfig(timeout, pingInterval, keepAliveInterval, maxQueuedMessages, bytes, maxPeers, maxHalfOpen,
                pongsPerSecond, pongBurst, maxPerUpdate, waitForServer, clock);
    }

    public LinkConfig withPeerBounds(int peers, int halfOpen) {
        return new LinkConfig(timeout, pingInterval, keepAliveInterval, maxQueuedMessages, maxInFlightBytes, peers, halfOpen,
                pongsPerSecond, pongBurst, maxPerUpdate, waitForServer, clock);
    }

    public LinkConfig withPongRate(int perSecond, int burst) {
        return new LinkConfig(timeout, pingInterval, keepAliveInterval, maxQueuedMessages, maxInFlightBytes, maxPeers,
                maxHalfOpen, perSecond, burst, maxPerUpdate, waitForServer, clock);
    }

    /** A copy whose client waits for a server that is not there yet (true) or is refused at once (false). */
    public LinkConfig withWaitForServer(boolean wait) {
        return new LinkConfig(timeout, pingInterval, keepAliveInterval, maxQueuedMessages, maxInFlightBytes, maxPeers,
                maxHalfOpen, pongsPerSecond, pongBurst, maxPerUpdate, wait, clock);
    }

    /** Whether the clock is {@link #SYSTEM_CLOCK}, so that the kernel's times (real time) can be put on it. */
    public boolean usesSystemClock() {
        return clock == SYSTEM_CLOCK;
    }

    public LinkConfig withClock(LongSupplier c) {
        return new LinkConfig(timeout, pingInterval, keepAliveInterval, maxQueuedMessages, maxInFlightBytes, maxPeers,
                maxHalfOpen, pongsPerSecond, pongBurst, maxPerUpdate, waitForServer, c);
    }
}
