package io.iperf3j.report;

/**
 * One pair's change in received throughput between two runs ({@code iperf3j report --compare}): which pair, what each
 * side measured, the change and the verdict of {@link RunComparison}'s rule (docs/design/report.md, "Comparing two
 * runs").
 *
 * @param id the test's id (a session's test, repeats' {@code _rN} cut off), or {@code run} for a -J file
 * @param sender the host that sent the data (a -J file: its client or server address, without the port)
 * @param receiver the host that received it
 * @param direction {@code up}, {@code down} or {@code bidir} (a session's word; a -J file's normal run is up,
 *     {@code -R} down)
 * @param protocol {@code tcp} or {@code udp}
 * @param kind what the test measured (the session's kind: protocol, bidir, extra arguments)
 * @param half {@code forward}, or {@code reverse} for a {@code --bidir} test's receiver-to-sender half
 * @param baseline the baseline's figures, or null when the pair is new
 * @param current the current figures, or null when the pair is gone
 * @param changePercent (current median − baseline median) / baseline median × 100; NaN when either side has no
 *     successful run or the baseline's median is 0
 * @param tolerancePercent the drop allowed for this pair: the larger of the threshold and the baseline's spread
 * @param verdict what the rule says
 */
public record PairChange(String id, String sender, String receiver, String direction, String protocol, String kind,
        String half, Figures baseline, Figures current, double changePercent, double tolerancePercent, Verdict verdict) {

    /**
     * One side's runs of the pair.
     *
     * @param runs the successful runs (their received throughput counted)
     * @param failed the failed runs
     * @param medianBitsPerSecond the median received throughput of the successful runs, NaN when there are none
     * @param spreadPercent the runs' spread: 2 × 1.4826 × their median absolute deviation, as a percent of the
     *     median (about ±2 standard deviations, robust to an odd run); NaN with fewer than
     *     {@code ChangeRule.MIN_RUNS_FOR_SPREAD} (3) runs
     * @param error the last failed run's error, or null
     */
    public record Figures(int runs, int failed, double medianBitsPerSecond, double spreadPercent, String error) {
    }

    /** What the comparison says of a pair. */
    public enum Verdict {
        /** Fell by more than the pair's tolerance: fails {@code --fail-below}. */
        REGRESSION("regression", true),
        /** Fell by more than the threshold, but within the baseline's own run-to-run spread. */
        WITHIN_SPREAD("within spread", false),
        /** Fell by less than the threshold, held, or rose. */
        OK("ok", false),
        /** No successful current run: fails {@code --fail-below}. */
        FAILED("failed", true),
        /** No successful baseline run, successful current runs. */
        RECOVERED("recovered", false),
        /** Only in the current side. */
        NEW("new", false),
        /** Only in the baseline. */
        GONE("gone", false);

        private final String word;
        private final boolean fails;

        Verdict(String word, boolean fails) {
            this.word = word;
            this.fails = fails;
        }

        /** The word the table and the JSON use. */
        public String word() {
            return word;
        }

        /** Whether this verdict fails {@code --fail-below}. */
        public boolean fails() {
            return fails;
        }
    }
}
