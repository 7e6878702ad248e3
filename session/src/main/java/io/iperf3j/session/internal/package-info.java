/**
 * The session module's internals: the sh scripts sent to hosts ({@link io.iperf3j.session.internal.RemoteScripts}),
 * the sorting of iperf output into errors ({@link io.iperf3j.session.internal.OutputCheck}), the output parsers
 * for iperf3 JSON and iperf2 text/CSV, the YAML plan reader, the host slots and the dispatcher (tests
 * started as their hosts come free), the result push and the writers of a plan's output directory. All pure
 * or called on the thread that runs the test that uses them, but for {@link io.iperf3j.session.internal.Dispatcher}
 * (one virtual thread per running test) and {@link io.iperf3j.session.internal.PushQueue} (its own sender).
 */
package io.iperf3j.session.internal;
