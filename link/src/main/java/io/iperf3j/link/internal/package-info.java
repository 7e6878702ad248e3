/**
 * The link's machinery, not public API. {@link io.iperf3j.link.internal.RecordCodec} and
 * {@link io.iperf3j.link.internal.DatagramCodec} are pure codecs (any thread, no state);
 * {@link io.iperf3j.link.internal.LinkConnection} is one connection's reliability state machine, run
 * by the thread that runs its endpoint's {@code update()} while holding the endpoint's lock;
 * {@link io.iperf3j.link.internal.Pump} is the background thread of an endpoint in background mode;
 * {@link io.iperf3j.link.internal.UdpPort} is an endpoint's socket (used under its lock; the pump waits on
 * it without the lock), {@link io.iperf3j.link.internal.NativeUdpPort} the one with kernel timestamps,
 * which the native module's {@code KernelClock} (one per port, under the same lock) puts on the
 * link's clock with one offset.
 */
package io.iperf3j.link.internal;
