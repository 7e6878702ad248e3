package io.iperf3j.internal.engine.server;

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
 */
record Arrival(SocketChannel channel, Cookie cookie, InetSocketAddress client, long acceptOrder) {
}
