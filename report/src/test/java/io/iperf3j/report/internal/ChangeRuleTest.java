package io.iperf3j.report.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import io.iperf3j.report.PairChange;
import io.iperf3j.report.PairChange.Verdict;

import java.util.Arrays;

import org.junit.jupiter.api.Test;

/** {@code report --compare}'s rule: the threshold, the baseline's own spread, failures, new and gone pairs. */
class ChangeRuleTest {
    private static final PairKey KEY = new PairKey("t_a-b", "a", "b", "up", "tcp", "tcp", "forward");

    private static PairRuns runs(double... mbits) {
        PairRuns r = new PairRuns("a", "b");
        for (double v : mbits) {
            r.ok(v * 1e6);
        }
        return r;
    }

    /** The median, by sorting here rather than with the rule's own code. */
    private static double median(double... v) {
        double[] s = v.clone();
        Arrays.sort(s);
        return s.length % 2 == 1 ? s[s.length / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
    }

    @Test
    void aSingleRunThatDropsPastTheThresholdRegressesAndWithinItDoesNot() {
        PairChange c = ChangeRule.change(KEY, runs(941.0), runs(812.1), 10);
        assertThat(c.changePercent()).isCloseTo((812.1 - 941.0) / 941.0 * 100, within(1e-9));
        assertThat(c.verdict()).isEqualTo(Verdict.REGRESSION);
        assertThat(c.verdict().fails()).isTrue();
        assertThat(c.tolerancePercent()).isEqualTo(10);
        assertThat(ChangeRule.change(KEY, runs(941.0), runs(812.1), 15).verdict()).isEqualTo(Verdict.OK);
        assertThat(ChangeRule.change(KEY, runs(941.0), runs(941.0), 0).verdict()).isEqualTo(Verdict.OK);
        assertThat(ChangeRule.change(KEY, runs(941.0), runs(990.0), 10).changePercent()).isPositive();
    }

    @Test
    void aDropWithinTheBaselinesOwnSpreadIsNotARegression() {
        double[] base = {80, 100, 120, 95, 105};
        double m = median(base);
        double[] dev = Arrays.stream(base).map(v -> Math.abs(v - m)).toArray();
        double spread = 2 * 1.4826 * median(dev) / m * 100;
        assertThat(spread).as("the case needs a spread above the threshold").isGreaterThan(10);
        double within = m * (1 - (10 + spread) / 2 / 100); // a drop between the threshold and the spread
        PairChange noisy = ChangeRule.change(KEY, runs(base), runs(within), 10);
        assertThat(noisy.baseline().spreadPercent()).isCloseTo(spread, within(1e-9));
        assertThat(noisy.tolerancePercent()).isCloseTo(spread, within(1e-9));
        assertThat(noisy.verdict()).isEqualTo(Verdict.WITHIN_SPREAD);
        assertThat(noisy.verdict().fails()).isFalse();
        double past = m * (1 - (spread + 1) / 100);
        assertThat(ChangeRule.change(KEY, runs(base), runs(past), 10).verdict()).isEqualTo(Verdict.REGRESSION);
    }

    @Test
    void oneOddBaselineRunDoesNotWidenTheSpread() {
        // three steady runs and one far below: a standard deviation would allow a 40 % drop, the median absolute deviation does not
        PairChange c = ChangeRule.change(KEY, runs(100, 101, 99, 30), runs(86), 10);
        assertThat(c.baseline().medianBitsPerSecond()).isEqualTo(median(100, 101, 99, 30) * 1e6);
        assertThat(c.baseline().spreadPercent()).isLessThan(5);
        assertThat(c.verdict()).isEqualTo(Verdict.REGRESSION);
    }

    @Test
    void fewerThanThreeRunsGiveNoSpread() {
        PairChange c = ChangeRule.change(KEY, runs(100, 60), runs(70), 10);
        assertThat(c.baseline().spreadPercent()).isNaN();
        assertThat(c.tolerancePercent()).isEqualTo(10);
        assertThat(c.baseline().medianBitsPerSecond()).isEqualTo(80e6);
        assertThat(c.verdict()).isEqualTo(Verdict.REGRESSION);
    }

    @Test
    void failedRunsAreCountedApartAndAllFailedFails() {
        PairRuns some = runs(90, 91, 92);
        some.failed("unable to connect");
        PairChange c = ChangeRule.change(KEY, runs(90, 91, 92), some, 10);
        assertThat(c.current().runs()).isEqualTo(3);
        assertThat(c.current().failed()).isEqualTo(1);
        assertThat(c.current().medianBitsPerSecond()).isEqualTo(91e6);
        assertThat(c.verdict()).isEqualTo(Verdict.OK);

        PairRuns none = new PairRuns("a", "b");
        none.failed("unable to connect to server: Connection refused");
        PairChange failed = ChangeRule.change(KEY, runs(90), none, 10);
        assertThat(failed.verdict()).isEqualTo(Verdict.FAILED);
        assertThat(failed.verdict().fails()).isTrue();
        assertThat(failed.current().error()).isEqualTo("unable to connect to server: Connection refused");
        assertThat(failed.changePercent()).isNaN();
        assertThat(ChangeRule.change(KEY, none, runs(90), 10).verdict()).isEqualTo(Verdict.RECOVERED);
    }

    @Test
    void pairsOnOneSideOnlyAreNewOrGoneAndPass() {
        PairChange gone = ChangeRule.change(KEY, runs(90), null, 10);
        assertThat(gone.verdict()).isEqualTo(Verdict.GONE);
        assertThat(gone.current()).isNull();
        PairChange added = ChangeRule.change(KEY, null, runs(90), 10);
        assertThat(added.verdict()).isEqualTo(Verdict.NEW);
        assertThat(added.baseline()).isNull();
        assertThat(gone.verdict().fails() || added.verdict().fails()).isFalse();
    }
}
