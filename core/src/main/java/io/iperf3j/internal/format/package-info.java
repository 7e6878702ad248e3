/**
 * Numbers printed as iperf3 prints them: glibc {@code printf} rounding and {@code %g}
 * ({@link io.iperf3j.internal.format.CFormat}) and iperf3's {@code unit_snprintf}
 * ({@link io.iperf3j.internal.format.UnitFormat}).
 *
 * <p>Threads: pure static functions, safe from any thread.
 */
package io.iperf3j.internal.format;
