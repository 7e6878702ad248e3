/**
 * iperf3's UDP data-stream protocol as pure logic, without sockets: the 4-byte
 * connect handshake ({@link io.iperf3j.internal.udp.UdpHandshake}), the datagram header
 * ({@link io.iperf3j.internal.udp.UdpHeader}), the receiver's loss, out-of-order and
 * jitter bookkeeping ({@link io.iperf3j.internal.udp.UdpReceiverStats}). The engine
 * ({@code io.iperf3j.internal.engine.udp.UdpStream}) drives them from one thread per stream,
 * paced by the {@code -b} schedule it shares with TCP ({@code io.iperf3j.internal.engine.Pacer}).
 *
 * <p>Threads: pure logic; a receiver's statistics belong to its stream's thread.
 * See {@code docs/design/udp.md}.
 */
package io.iperf3j.internal.udp;
