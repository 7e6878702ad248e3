/**
 * iperf3's control protocol: the cookie ({@link io.iperf3j.internal.protocol.Cookie}), state
 * bytes ({@link io.iperf3j.internal.protocol.ControlState}), the pure frame decoder
 * ({@link io.iperf3j.internal.protocol.ControlFrames}, fuzzed), the non-blocking control socket
 * ({@link io.iperf3j.internal.protocol.ControlChannel}), the parameter and result documents and
 * iperf3's error numbers ({@link io.iperf3j.internal.protocol.ErrorCode}).
 *
 * <p>Threads: the codecs are pure and hold no state between calls. A {@code ControlChannel}
 * belongs to one test and is used only by that test's thread.
 */
package io.iperf3j.internal.protocol;
