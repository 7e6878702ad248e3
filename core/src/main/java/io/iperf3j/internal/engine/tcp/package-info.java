/**
 * TCP data streams: {@link io.iperf3j.internal.engine.tcp.TcpStream} sends or receives whole
 * blocks over one blocking NIO channel, {@code -Z} through {@code transferTo}.
 *
 * <p>Threads: one platform thread per stream runs its transfer loop; the test thread only starts,
 * samples (TCP_INFO, counters) and stops it.
 */
package io.iperf3j.internal.engine.tcp;
