/**
 * Jazzer fuzz targets for the wire formats (control frames, test parameters, UDP datagrams
 * and receiver statistics), run as regression tests in every build (tag {@code jazzer}, a
 * JVM of their own) and as fuzzers with {@code JAZZER_FUZZ=1}; {@code FuzzSmokeTest} runs
 * seeded mutations without Jazzer. Threads: the test thread only.
 */
package io.iperf3j.fuzz;
