package io.iperf3j.internal.why;

import io.iperf3j.Cause;
import io.iperf3j.Transport;
import io.iperf3j.Why;
import io.iperf3j.WhyFigures;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * The text block {@code --why} prints after iperf3's summary: per direction, a first line {@code limited by <cause>}
 * (or {@code not determined: <reason>}), then its figures and the change that would lift it; one line per stream where
 * the streams' verdicts differ (every stream's with {@code -V}).
 */
public final class WhyText {
    private WhyText() {
    }

    public static List<String> lines(Why why, boolean verbose) {
        List<String> out = new ArrayList<>();
        boolean two = why.directions().size() > 1;
        for (Why.DirectionWhy d : why.directions()) {
            Why.Verdict v = d.verdict();
            out.add(v.headline() + (two ? (d.senderIsClient() ? " [client to server]" : " [server to client]") : ""));
            if (v.cause() != Cause.NOT_DETERMINED) {
                out.add("  because " + v.reason());
            }
            figures(out, v.figures());
            v.remedy().ifPresent(r -> out.add("  change: " + r));
            if (d.streamsDiffer() || verbose) {
                for (Why.StreamWhy s : d.streams()) {
                    out.add(String.format(Locale.ROOT, "  [%3d] %s: %s", s.socket(), s.verdict().headline(),
                            s.verdict().reason()));
                }
            }
        }
        return out;
    }

    private static void figures(List<String> out, WhyFigures f) {
        StringBuilder rate = new StringBuilder("  ").append(Units.rate(f.bitsPerSecond())).append(" over ")
                .append(String.format(Locale.ROOT, "%.2f s", f.seconds()));
        if (f.targetBitsPerSecond() > 0) {
            rate.append(", -b ").append(Units.rate(f.targetBitsPerSecond()));
        }
        if (f.fqRateBitsPerSecond() > 0) {
            rate.append(", --fq-rate ").append(Units.rate(f.fqRateBitsPerSecond()));
        }
        if (f.lostShare().isPresent()) {
            rate.append(String.format(Locale.ROOT, ", lost %.2f %%", 100 * f.lostShare().getAsDouble()));
        }
        if (f.droppedShare().isPresent()) {
            rate.append(String.format(Locale.ROOT, ", dropped by the receiver's socket %.2f %%",
                    100 * f.droppedShare().getAsDouble()));
            f.receiverBufferBytes().ifPresent(x -> rate.append(" (its buffer ").append(Units.bytes(x)).append(')'));
        }
        out.add(rate.toString());
        if (f.transport() == Transport.TCP && f.busyShare().isPresent()) {
            out.add("  sender busy " + Units.percent(f.busyShare().getAsDouble()) + " of the test; of that limited by"
                    + " the congestion window " + Units.percent(f.cwndLimitedShare().orElse(0))
                    + ", the receiver's window " + Units.percent(f.rwndLimitedShare().orElse(0))
                    + ", the sender's buffer " + Units.percent(f.sndbufLimitedShare().orElse(0)));
        }
        if (f.rttMicros().isPresent() || f.srttMicros().isPresent()) {
            StringBuilder b = new StringBuilder("  RTT ");
            if (f.srttMicros().isPresent()) {
                b.append(Units.rtt(f.srttMicros().getAsLong()));
                f.rttMicros().ifPresent(x -> b.append(" (smallest ").append(Units.rtt(x)).append(')'));
                b.append(", in flight at this rate ").append(Units.bytes((long) (f.bitsPerSecond()
                        * f.srttMicros().getAsLong() / 8e6)));
            } else {
                b.append(Units.rtt(f.rttMicros().getAsLong()));
                f.bdpBytes().ifPresent(x -> b.append(", BDP at this rate ").append(Units.bytes(x)));
            }
            f.receiverWindowBytes().ifPresent(x -> b.append(", receiver's window ").append(Units.bytes(x)));
            f.congestionWindowBytes().ifPresent(x -> b.append(", congestion window ").append(Units.bytes(x)));
            out.add(b.toString());
        }
        if (f.transport() == Transport.TCP && (f.senderBufferBytes().isPresent()
                || f.receiverBufferBytes().isPresent())) {
            StringBuilder b = new StringBuilder("  buffers:");
            f.senderBufferBytes().ifPresent(x -> b.append(" sender's ").append(Units.bytes(x))
                    .append(ceiling(f.senderBufferCeilingBytes())));
            if (f.senderBufferBytes().isPresent() && f.receiverBufferBytes().isPresent()) {
                b.append(',');
            }
            f.receiverBufferBytes().ifPresent(x -> b.append(" receiver's ").append(Units.bytes(x))
                    .append(ceiling(f.receiverBufferCeilingBytes())));
            f.retransmitShare().ifPresent(x -> b.append(String.format(Locale.ROOT, "; retransmitted %.2f %% of the"
                    + " segments", 100 * x)));
            out.add(b.toString());
        }
        if (f.senderShaperBitsPerSecond().isPresent()) {
            out.add("  the sender's interface shapes to " + Units.rate(f.senderShaperBitsPerSecond().getAsLong())
                    + f.senderShaperOverlimits().stream().mapToObj(n -> " (held packets back " + n + " times)")
                    .findFirst().orElse(""));
        }
        if (f.sendBlockedShare().isPresent() && f.sendBlockedShare().getAsDouble() > 0) {
            out.add(String.format(Locale.ROOT, "  the sender waited %.0f %% of the test for room in its socket buffer",
                    100 * f.sendBlockedShare().getAsDouble()));
        }
        out.add("  CPU: sender " + cpu(f.senderCpuPercent().orElse(-1), f.senderRunShare().orElse(-1),
                f.senderWaitShare().orElse(-1)) + "; receiver " + cpu(f.receiverCpuPercent().orElse(-1),
                f.receiverRunShare().orElse(-1), f.receiverWaitShare().orElse(-1)));
        for (String u : f.unseen()) {
            out.add("  not seen: " + u);
        }
    }

    private static String ceiling(java.util.OptionalLong c) {
        return c.isPresent() ? " (at most " + Units.bytes(c.getAsLong()) + ")" : "";
    }

    private static String cpu(double process, double run, double wait) {
        String p = process < 0 ? "process unknown" : String.format(Locale.ROOT, "process %.1f %%", process);
        if (run < 0) {
            return p;
        }
        return p + String.format(Locale.ROOT, ", its thread ran %.0f %% and waited %.0f %% to run", 100 * run,
                100 * Math.max(0, wait));
    }
}
