/**
 * A plan on a schedule: the book of runs (state on disk), the dues and their slip. Runs on the session's
 * thread.
 */
package io.iperf3j.session.internal.schedule;
