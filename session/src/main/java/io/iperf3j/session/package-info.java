/**
 * Multi-node iperf sessions (issue 15, seeds 001 and 002) and plans over many hosts: the module's API,
 * values, faces and errors only.
 * <ul>
 * <li>Values: a {@link io.iperf3j.session.Plan} of {@link io.iperf3j.session.Node}s and tests
 * ({@link io.iperf3j.session.TestSpec}), a test's {@link io.iperf3j.session.TestResult}, the
 * {@link io.iperf3j.session.SshSettings} of a host. A plan holds no connection: a node says how it is
 * reached ({@link io.iperf3j.session.Node.Access}), and a run makes each node's connection when it first
 * uses the node and closes them all at its end.</li>
 * <li>Faces: {@link io.iperf3j.session.Connection} (a host that runs commands),
 * {@link io.iperf3j.session.IperfSession} (one test between two nodes, the seed's API),
 * {@link io.iperf3j.session.PlanRunner} (a whole plan); all made by {@link io.iperf3j.session.Sessions}.</li>
 * <li>Errors: {@link io.iperf3j.session.SessionException}, sealed over the seed's four.</li>
 * </ul>
 * This package imports nothing of the module's internal packages: {@link io.iperf3j.session.Sessions} reaches
 * them through a service the module provides to itself. The machinery lives in rooms of its own:
 * {@code internal.connect} (local and SSH connections), {@code internal.host} (what runs on a host: the agent,
 * the scripts, one iperf process), {@code internal.run} (one test, one plan), {@code internal.dispatch} (tests
 * started as their hosts come free), {@code internal.schedule}, {@code internal.result} (outputs read),
 * {@code internal.output} (a plan's output directory, push, metrics) and {@code internal.plan} (the YAML
 * reader); the {@code iperf3j session} command is in {@code command}, exported to the CLI only.
 *
 * <p>Threads: a plan's caller's thread dispatches, each test runs on its own virtual thread; a running
 * client's output is read by two virtual threads; MINA SSHD's own I/O threads serve the SSH sessions (one
 * per host). A run's connections are its own: opened by the test threads that first use a host, closed by the
 * caller's thread when the run ends. {@code stop()} methods may be called from any thread.
 */
package io.iperf3j.session;
