/**
 * The engine: client and server test sessions, data streams, pacing and the multi-test server.
 * See {@code docs/design/engine.md} for who owns what.
 *
 * <p>Threads: each test has one test thread that owns its control connection, timers, sampling
 * and reports; each data stream has one platform thread; the server's acceptor hands each new
 * connection to a virtual thread that reads its cookie.
 */
package io.iperf3j.internal.engine;
