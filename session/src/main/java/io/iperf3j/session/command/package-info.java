/**
 * The {@code iperf3j session} command (picocli): reads a plan file, runs it once or on its schedule, and
 * writes its output directory; exported to the CLI only. Runs on the CLI's main thread; its shutdown hook
 * stops the plan.
 */
package io.iperf3j.session.command;
