package io.iperf3j;

import java.time.Duration;
import java.time.Instant;
import java.util.Locale;

/**
 * One thing an iperf3j server did with a client ({@link ServerEvents}). Every event has its time, the
 * client's address and port, and the client's prefix: the address as the server counts clients
 * ({@code --max-per-client}), an IPv4 address as its /32 ({@code 192.0.2.7/32}), an IPv6 address as its
 * /64 ({@code 2001:db8:1:2::/64}); an IPv4-mapped IPv6 address counts as its IPv4 address. The address is
 * null (port 0, prefix null) in the rare case that the socket could not say whom it was connected to.
 *
 * <p>A new test's control connection gives {@link Accepted}, then {@link Started} or {@link Refused} (or,
 * with a queue, {@link Queued} and later {@link Left}, {@link Refused} or {@link Started}). A test that
 * took a place ends with exactly one {@link Ended}, whether or not it started; a started one gives an
 * {@link Interval} each stats interval and one more at its end with the bytes since the last, so the
 * intervals of a test add up to its {@link Ended}'s bytes.
 */
public sealed interface ServerEvent {
    /** When it happened. */
    Instant time();

    /** The client's address as iperf3 writes it ({@code inet_ntop} text), or null. */
    String address();

    /** The client's port (0 when the address is null). */
    int port();

    /** The client's prefix as text ({@code 192.0.2.7/32}, {@code 2001:db8:1:2::/64}), or null. */
    String prefix();

    /**
     * A new test's control connection sent its cookie.
     *
     * @param queuedAhead clients queued before it (0 without a queue)
     */
    record Accepted(Instant time, String address, int port, String prefix, int queuedAhead) implements ServerEvent {
    }

    /**
     * A new test was held in the wait queue ({@code --queue}) because every place was taken.
     *
     * @param position its place in the queue, from 1
     * @param queued clients queued now, itself included
     * @param running tests running now
     * @param max the most that run at once ({@code --max-concurrent})
     */
    record Queued(Instant time, String address, int port, String prefix, int position, int queued, int running,
                  int max) implements ServerEvent {
    }

    /**
     * A queued client hung up before its turn.
     *
     * @param waited how long it was queued
     */
    record Left(Instant time, String address, int port, String prefix, Duration waited) implements ServerEvent {
    }

    /**
     * A test passed its parameter exchange (and authentication) and starts.
     *
     * @param test the server's number of the test, unique in the process
     * @param protocol {@code TCP} or {@code UDP}
     * @param direction {@code normal}, {@code reverse} or {@code bidir}
     * @param streams the parallel streams ({@code -P})
     * @param limit how it ends: {@code 10s}, {@code 1000B} ({@code -n}) or {@code 5blocks} ({@code -k})
     * @param waited how long it was queued ({@link Duration#ZERO} when it was not)
     * @param user the authenticated user, or null without authentication
     * @param shareBitsPerSecond its share of {@code --total-rate}, or 0 without one
     */
    record Started(Instant time, String address, int port, String prefix, long test, String protocol,
                   String direction, int streams, String limit, Duration waited, String user,
                   long shareBitsPerSecond) implements ServerEvent {
    }

    /**
     * The bytes a running test moved since its last interval (the stats interval, {@code -i}, of the
     * server), each way as the server sees it; at the test's end, one more with the rest.
     *
     * @param test the test's number, as in {@link Started}
     * @param protocol {@code TCP} or {@code UDP}
     * @param sentBytes payload bytes the server sent
     * @param receivedBytes payload bytes the server received
     */
    record Interval(Instant time, String address, int port, String prefix, long test, String protocol,
                    long sentBytes, long receivedBytes) implements ServerEvent {
    }

    /**
     * A test that took a place ended, however it ended (including one refused at its parameters or its
     * authentication, which never started).
     *
     * @param test the test's number
     * @param protocol {@code TCP}, {@code UDP}, or null when its parameters never came
     * @param direction as in {@link Started}, or null
     * @param streams as in {@link Started}, or 0
     * @param sentBytes payload bytes the server sent in all
     * @param receivedBytes payload bytes the server received in all
     * @param duration from its admission to its end
     * @param result how it ended
     * @param reason why it did not complete, or null
     * @param why what held it back, when its client asked ({@code --why}, {@code -V}: an iperf3j client's parameters
     *        carry {@code iperf3j_why}): the server's own verdict from both sides' figures, the same the client
     *        prints; empty otherwise, and for a test that did not reach its results exchange
     * @param end why it ended, as one of a fixed set ({@code reason} is the words): {@link EndReason#COMPLETED}
     *        for {@link Result#OK}, {@link EndReason#AUTH} for {@link Result#DENIED}, a cut's or a refusal's class
     *        otherwise; never text from the client, so it can label a metric
     */
    record Ended(Instant time, String address, int port, String prefix, long test, String protocol, String direction,
                 int streams, long sentBytes, long receivedBytes, Duration duration, Result result, String reason,
                 java.util.Optional<Why> why, EndReason end) implements ServerEvent {
        /** Checks {@code why} and {@code end}. */
        public Ended {
            java.util.Objects.requireNonNull(why, "why");
            java.util.Objects.requireNonNull(end, "end");
        }

        /** An end whose class is the result's default ({@link EndReason#of(Result)}). */
        public Ended(Instant time, String address, int port, String prefix, long test, String protocol,
                     String direction, int streams, long sentBytes, long receivedBytes, Duration duration,
                     Result result, String reason, java.util.Optional<Why> why) {
            this(time, address, port, prefix, test, protocol, direction, streams, sentBytes, receivedBytes, duration,
                    result, reason, why, EndReason.of(result));
        }

        /** An end without a verdict. */
        public Ended(Instant time, String address, int port, String prefix, long test, String protocol,
                     String direction, int streams, long sentBytes, long receivedBytes, Duration duration,
                     Result result, String reason) {
            this(time, address, port, prefix, test, protocol, direction, streams, sentBytes, receivedBytes, duration,
                    result, reason, java.util.Optional.empty());
        }
    }

    /**
     * A connection the server turned away or dropped before (or instead of) a test.
     *
     * @param reason why
     * @param count what stood at the limit: tests running ({@link Reason#BUSY}), clients queued
     *        ({@link Reason#QUEUE_FULL}), the prefix's tests ({@link Reason#MAX_PER_CLIENT}), the prefix's
     *        queued clients ({@link Reason#QUEUE_PER_CLIENT}), the seconds of its cool-down left
     *        ({@link Reason#COOL_DOWN}); else 0
     * @param limit the limit it met: {@code --max-concurrent}, {@code --queue}, {@code --max-per-client}, the
     *        prefix's part of the queue, {@code --cool-down}; else 0
     * @param rule the {@code --allow}/{@code --deny} prefix that decided ({@link Reason#DENIED}), or null
     * @param waited how long it was queued ({@link Reason#QUEUE_TIMEOUT}), else {@link Duration#ZERO}
     * @param detail what happened, in words (the text log's {@code reason}), or null
     */
    record Refused(Instant time, String address, int port, String prefix, Reason reason, int count, int limit,
                   String rule, Duration waited, String detail) implements ServerEvent {
    }

    /** How a test ended. */
    enum Result {
        /** It ran to its end. */
        OK,
        /** It ended early (the reason says why). */
        CUT,
        /** Its parameters were refused (SERVER_ERROR sent). */
        REFUSED,
        /** It failed authentication. */
        DENIED;

        /** The lower-case name: {@code ok}, {@code cut}, {@code refused}, {@code denied}. */
        public String label() {
            return name().toLowerCase(Locale.ROOT);
        }
    }

    /**
     * Why a test that took a place ended, as a fixed set (the {@code reason} label of
     * {@code iperf3_server_tests_ended_total}): never text from the client.
     */
    enum EndReason {
        /** It ran to its end ({@link Result#OK}). */
        COMPLETED,
        /** It ran past {@code --server-max-duration} or iperf3's safety timer ({@code -t + -O + 40 s}), SERVER_ERROR 160;
         *  or, refused, its {@code -t} was longer than {@code --server-max-duration}. */
        MAX_DURATION,
        /** Its rate: {@code --server-bitrate-limit} or {@code --total-rate}'s UDP police (SERVER_ERROR 27), cut or
         *  refused up front. */
        RATE_LIMIT,
        /** Nothing received for {@code --rcv-timeout}, nothing sent (a client not reading), or nothing moved for
         *  {@code --idle-timeout} while it ran (SERVER_ERROR 144). */
        IDLE_TIMEOUT,
        /** No parameters, streams or results in time (the setup bound, before TEST_START or after TEST_END). */
        SETUP_TIMEOUT,
        /** The client was interrupted (CLIENT_TERMINATE). */
        CLIENT_TERMINATED,
        /** The client closed its control connection before the end. */
        CLIENT_CLOSED,
        /** The server was stopped (SIGINT, SIGTERM, or closed by its owner). */
        SERVER_TERMINATED,
        /** Its parameters were refused: invalid, of the wrong type or out of range. */
        PARAMETERS,
        /** The client broke the protocol (an unknown or out-of-turn control message). */
        PROTOCOL,
        /** A socket failed (reading or writing the control connection or a stream, a UDP port it could not bind). */
        IO_ERROR,
        /** Authentication failed ({@link Result#DENIED}). */
        AUTH,
        /** Anything else (an internal error). */
        OTHER;

        /** The lower-case name, as the metric's label: {@code completed}, {@code max_duration}, ... */
        public String label() {
            return name().toLowerCase(Locale.ROOT);
        }

        /** The class an end of {@code result} has when nothing more is known. */
        public static EndReason of(Result result) {
            return switch (result) {
                case OK -> COMPLETED;
                case DENIED -> AUTH;
                case REFUSED -> PARAMETERS;
                case CUT -> OTHER;
            };
        }
    }

    /** Why a connection was refused. */
    enum Reason {
        /** Every {@code --max-concurrent} place was taken (and no queue took it): iperf3's "busy". */
        BUSY,
        /** Every place was taken and the queue was full. */
        QUEUE_FULL,
        /** It waited {@code --queue-timeout} in the queue. */
        QUEUE_TIMEOUT,
        /** Its prefix ran {@code --max-per-client} tests (and no queue took it). */
        MAX_PER_CLIENT,
        /** {@code --allow}/{@code --deny} refused its address. */
        DENIED,
        /** Its test failed authentication ({@code --rsa-private-key-path}). */
        AUTH,
        /** It sent no cookie: silent past the cookie deadline, or closed before. */
        NO_COOKIE,
        /** Too many connections were waiting to send their cookie. */
        HANDSHAKE_CAP,
        /** Its prefix had its part of the connections waiting to send their cookie (a quarter of the cap). */
        HANDSHAKE_PER_CLIENT,
        /** Every place was taken and its prefix held its part of the queue (a quarter of {@code --queue}). */
        QUEUE_PER_CLIENT,
        /** Its prefix had a test cut for policing ({@code --total-rate}, {@code --server-bitrate-limit}) less than {@code --cool-down} ago. */
        COOL_DOWN,
        /**
         * It sent the cookie of a test that has all its connections or has ended: a surplus data
         * connection, or a second control connection with a running test's cookie.
         */
        SURPLUS,
        /**
         * It broke the protocol while it waited in the queue (sent anything but CLIENT_TERMINATE), or
         * sent no readable parameters when they were read before it queued ({@code --total-rate}).
         */
        PROTOCOL,
        /** Its UDP upload asked for more than {@code --total-rate}: refused before it queued. */
        TOTAL_RATE;

        /** The lower-case name, as the metric's label: {@code busy}, {@code queue_full}, ... */
        public String label() {
            return name().toLowerCase(Locale.ROOT);
        }
    }
}
