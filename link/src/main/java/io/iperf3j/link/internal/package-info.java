/**
 * The link's machinery, not public API. {@link io.iperf3j.link.internal.RecordCodec} and
 * {@link io.iperf3j.link.internal.DatagramCodec} are pure codecs (any thread, no state);
 * {@link io.iperf3j.link.internal.Connection} is one connection's reliability state machine, run
 * by the thread that runs its endpoint's {@code update()} while holding the endpoint's lock;
 * {@link io.iperf3j.link.internal.Pump} is the background thread of an endpoint in background mode.
 */
package io.iperf3j.link.internal;
