package io.iperf3j.internal.why;

import java.util.Locale;

/**
 * The block's units, each at the scale of its figure: bytes below 1 KiB, then KiB and MiB; rates in Mbit/s or
 * Gbit/s; round trips in microseconds below a millisecond (written {@code us}: iperf3's text is ASCII), else ms.
 */
final class Units {
    private Units() {
    }

    static String bytes(long b) {
        if (b >= 1L << 20) {
            return String.format(Locale.ROOT, "%.1f MiB", b / 1048576.0);
        }
        if (b < 1024) {
            return b + " bytes";
        }
        return String.format(Locale.ROOT, b < 10 * 1024 ? "%.1f KiB" : "%.0f KiB", b / 1024.0);
    }

    /** A size as {@code -w} takes it: whole MiB as {@code 4M}, else K. */
    static String flag(long b) {
        return b % (1L << 20) == 0 ? (b >> 20) + "M" : (b >> 10) + "K";
    }

    static String rate(double bps) {
        if (bps >= 1e9) {
            return String.format(Locale.ROOT, "%.2f Gbit/s", bps / 1e9);
        }
        return String.format(Locale.ROOT, "%.1f Mbit/s", bps / 1e6);
    }

    /** A round trip: {@code 38 us} below a millisecond, else {@code 100.1 ms}. */
    static String rtt(long micros) {
        if (micros < 1000) {
            return micros + " us";
        }
        return String.format(Locale.ROOT, "%.1f ms", micros / 1000.0);
    }

    static String percent(double share) {
        return String.format(Locale.ROOT, "%.0f %%", 100 * share);
    }
}
