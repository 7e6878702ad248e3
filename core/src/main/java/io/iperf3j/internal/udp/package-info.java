/**
 * iperf3's UDP data-stream protocol as pure logic, without sockets: the 4-byte
 * connect handshake ({@link io.iperf3j.internal.udp.UdpHandshake}), the datagram header
 * ({@link io.iperf3j.internal.udp.UdpHeader}), the receiver's loss, out-of-order and
 * jitter bookkeeping ({@link io.iperf3j.internal.udp.UdpReceiverStats}) and the
 * {@code -b} pacing schedule ({@link io.iperf3j.internal.udp.UdpPacer}). The engine
 * ({@code io.iperf3j.internal.engine.UdpStream}) drives them from one thread per stream.
 * See {@code docs/design/udp.md}.
 */
package io.iperf3j.internal.udp;
