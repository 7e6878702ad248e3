/**
 * UDP data streams and their routing: {@link io.iperf3j.internal.engine.udp.UdpStream} (one
 * socket, paced sending or receiving with iperf3's header and statistics, batched through
 * {@code sendmmsg}/{@code recvmmsg} where FFM works), {@link io.iperf3j.internal.engine.udp.UdpStreams}
 * (the connect handshake on both sides), {@link io.iperf3j.internal.engine.udp.UdpStreamRouter} (the
 * server's one UDP port shared by all tests) and {@link io.iperf3j.internal.engine.udp.UdpIo} (which
 * I/O path this JVM takes); kernel receive times go onto the jitter's clock through the native
 * module's {@code KernelClock}. The wire formats themselves are pure codecs in
 * {@code io.iperf3j.internal.udp}.
 *
 * <p>Threads: one platform thread per stream; the router has one acceptor thread per bound port,
 * which hands each connected socket to its test through
 * {@link io.iperf3j.internal.engine.udp.UdpStreamRouter.Sink} and wakes that test's thread.
 * See {@code docs/design/udp.md}.
 */
package io.iperf3j.internal.engine.udp;
