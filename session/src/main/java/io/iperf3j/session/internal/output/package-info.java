/**
 * A plan's output directory ({@code tests.jsonl} and the raw outputs), the progress line, the result push
 * (its own sender thread) and the session's metrics.
 */
package io.iperf3j.session.internal.output;
