/**
 * The engine's implementation, not an API: only iperf3j's own modules (cli, export, link,
 * report, session, bench) may import from here, and only what
 * {@code docs/design/package-map.md} allows. Library users use {@code io.iperf3j}.
 */
package io.iperf3j.internal;
