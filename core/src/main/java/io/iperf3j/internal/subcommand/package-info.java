/**
 * What iperf3j's subcommands ({@code iperf3j exporter}, {@code link}, {@code report},
 * {@code session}) share: their usage head, their {@code -v/--version} line and how a refused
 * command line is printed. Not an API: it lives in core only because those modules cannot
 * depend on the cli module, which assembles them; core exports it to them alone
 * ({@code docs/design/package-map.md}).
 */
package io.iperf3j.internal.subcommand;
