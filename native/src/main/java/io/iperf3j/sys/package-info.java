/**
 * Linux socket and process facilities the JDK does not expose, reached through
 * the Foreign Function &amp; Memory API ({@code java.lang.foreign}).
 *
 * <ul>
 *   <li>{@link io.iperf3j.sys.NativeSocket}: the descriptor behind an NIO channel
 *       (found by address through {@code /proc/self/fd}, {@code DescriptorSearch}), {@code TCP_INFO}
 *       ({@link io.iperf3j.sys.TcpInfo}) and the options iperf3 sets
 *       ({@code TCP_MAXSEG}, {@code TCP_CONGESTION}, {@code SO_BINDTODEVICE},
 *       don't-fragment, {@code TCP_USER_TIMEOUT}, {@code SO_MAX_PACING_RATE});</li>
 *   <li>{@link io.iperf3j.sys.ProcessCpu}: iperf3's {@code cpu_util} figures;</li>
 *   <li>{@link io.iperf3j.sys.SystemInfo}: iperf3's {@code system_info} string;</li>
 *   <li>{@link io.iperf3j.sys.TcpReceiver} (TCP receives through the descriptor: a non-blocking {@code recv}, {@code --skip-rx-copy}'s MSG_TRUNC, a {@code poll} that honours {@code SO_RCVLOWAT}),
 *       {@link io.iperf3j.sys.CpuAffinity} ({@code -A}) and
 *       {@link io.iperf3j.sys.MultipathTcp} ({@code -m}: an MPTCP socket in a channel's place);</li>
 *   <li>{@link io.iperf3j.sys.DatagramBatch}: {@code sendmmsg}/{@code recvmmsg}, GSO/GRO and
 *       per-read kernel receive times, whose ancillary data
 *       {@link io.iperf3j.sys.AncillaryData} decodes (a pure codec, fuzzed).</li>
 *   <li>{@link io.iperf3j.sys.QdiscStats}: an interface's root qdisc (kind, tbf rate, overlimits, drops)
 *       from an rtnetlink dump, which {@link io.iperf3j.sys.QdiscMessages} decodes (a pure codec, fuzzed).</li>
 * </ul>
 *
 * <p>No JNI, no native code to build, no reflection into the JDK. Everything
 * degrades: {@code NativeSocket.of} returns empty and the others fall back to
 * pure Java when FFM is not usable (not Linux, native access denied,
 * {@code -Diperf3j.native=false}). Run with
 * {@code --enable-native-access=ALL-UNNAMED} to avoid the JVM's warning.
 * Design notes: {@code docs/design/native-sockets.md}.
 *
 * <p>Threads: every call runs on the calling thread (a stream's or the test's), with
 * memory confined to that call; handles are immutable and shared freely.
 */
package io.iperf3j.sys;
