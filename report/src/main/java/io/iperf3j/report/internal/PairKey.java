package io.iperf3j.report.internal;

/**
 * What makes two runs the same pair in {@code report --compare}: a session's test id (repeats' {@code _rN} cut off),
 * sender, receiver, direction, protocol, kind and half ({@code forward}, or {@code reverse} for a {@code --bidir}
 * test's other direction). A -J file's one run has the roles {@code client} and {@code server} as sender and
 * receiver, so two -J files compare whatever hosts they ran on.
 */
public record PairKey(String id, String sender, String receiver, String direction, String protocol, String kind, String half) {
}
