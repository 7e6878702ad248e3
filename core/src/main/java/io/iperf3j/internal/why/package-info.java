/**
 * {@code --why} (docs/design/why.md): what held a test back. {@link io.iperf3j.internal.why.WhyProbe} is one
 * stream's raw figures as one side saw them (its socket's TCP_INFO chronos, its thread's schedstat), sent to the peer
 * in the results exchange under {@code iperf3j_why}; {@link io.iperf3j.internal.why.WhyAssembler} pairs each stream's
 * sender and receiver figures into {@link io.iperf3j.WhyFigures}; {@link io.iperf3j.internal.why.WhyRules} is the
 * decision, a pure function of those figures; {@link io.iperf3j.internal.why.WhyJson} writes and reads
 * {@code end.iperf3j_why} and {@link io.iperf3j.internal.why.WhyText} the text block.
 *
 * <p>Threads: a stream's worker reads its own schedstat at its start and end; everything else runs on the test
 * thread after the streams stopped.
 */
package io.iperf3j.internal.why;
