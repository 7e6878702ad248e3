/**
 * Multi-node iperf sessions (issue 15, seeds 001 and 002): {@link io.iperf3j.session.Node}s reached through
 * pluggable {@link io.iperf3j.session.Connection}s (local, SSH), {@link io.iperf3j.session.RemoteIperf} (one
 * iperf process on a node, killed by PID), {@link io.iperf3j.session.IperfSession} (one test between two
 * nodes), {@link io.iperf3j.session.IperfOutputs} (every output into the library's interval samples), and
 * plans ({@link io.iperf3j.session.Plan}, {@link io.iperf3j.session.PlanFile},
 * {@link io.iperf3j.session.PlanRunner}, {@link io.iperf3j.session.SessionCommand}).
 *
 * <p>Threads: a plan's caller's thread dispatches, each test runs on its own virtual thread; a
 * running client's output is read by two virtual threads; MINA SSHD's own I/O threads serve the SSH
 * sessions (one per host). {@code stop()} methods may be called from any thread.
 */
package io.iperf3j.session;
