package io.iperf3j.internal.engine.server;

import io.iperf3j.internal.json.JsonObject;
import io.iperf3j.internal.protocol.Cookie;

import java.net.InetSocketAddress;
import java.nio.channels.SocketChannel;

/**
 * A connection whose cookie was read: a new test's control connection or a test's data
 * connection, as the cookie table decides.
 *
 * @param channel the connection (blocking)
 * @param cookie its 37-byte cookie
 * @param client its remote address, or null when the socket could not say
 * @param acceptOrder its place in the acceptor's order (a test's streams are given roles in it)
 * @param parameters the test's parameters when they were read before it queued
 *        ({@link EarlyParameters}); else null, and its test asks for them with PARAM_EXCHANGE
 */
record Arrival(SocketChannel channel, Cookie cookie, InetSocketAddress client, long acceptOrder,
               JsonObject parameters) {
    Arrival(SocketChannel channel, Cookie cookie, InetSocketAddress client, long acceptOrder) {
        this(channel, cookie, client, acceptOrder, null);
    }

    /** This arrival with its parameters read. */
    Arrival withParameters(JsonObject json) {
        return new Arrival(channel, cookie, client, acceptOrder, json);
    }
}
