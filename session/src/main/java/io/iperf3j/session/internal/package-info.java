/**
 * The session module's internals: the sh scripts sent to hosts ({@link io.iperf3j.session.internal.RemoteScripts}),
 * the sorting of iperf output into errors ({@link io.iperf3j.session.internal.OutputCheck}), the output parsers
 * for iperf3 JSON and iperf2 text/CSV, the YAML plan reader, the round scheduler and the writers of a plan's
 * output directory. All pure or called on the thread that runs the test that uses them; nothing here owns a
 * thread.
 */
package io.iperf3j.session.internal;
