/**
 * JSON as iperf3 writes and reads it: the cJSON-exact writer
 * ({@link io.iperf3j.internal.json.CJsonWriter}), the defensive reader for what a peer sends
 * ({@link io.iperf3j.internal.json.PeerJson}, bounded depth and lengths, fuzzed) and the ordered
 * document with duplicate keys ({@link io.iperf3j.internal.json.JsonObject}).
 *
 * <p>Threads: no shared state; a {@code JsonObject} is built and read by one thread (the test
 * thread), then handed over finished.
 */
package io.iperf3j.internal.json;
