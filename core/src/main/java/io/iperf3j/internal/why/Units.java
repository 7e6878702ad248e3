package io.iperf3j.internal.why;

import java.util.Locale;

/** The block's units: bytes in KiB/MiB, rates in Mbit/s, times in ms. */
final class Units {
    private Units() {
    }

    static String bytes(long b) {
        if (b >= 1L << 20) {
            return String.format(Locale.ROOT, "%.1f MiB", b / 1048576.0);
        }
        return String.format(Locale.ROOT, "%.0f KiB", b / 1024.0);
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

    static String millis(long micros) {
        return String.format(Locale.ROOT, "%.1f ms", micros / 1000.0);
    }

    static String percent(double share) {
        return String.format(Locale.ROOT, "%.0f %%", 100 * share);
    }
}
