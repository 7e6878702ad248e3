package io.iperf3j.session.internal.output;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.iperf3j.session.Plan;
import io.iperf3j.session.SessionException.ConnectionError;
import io.iperf3j.session.TestResult;
import io.iperf3j.session.TestSpec;
import io.iperf3j.session.internal.result.RunFigures;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.OptionalDouble;
import java.util.OptionalLong;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code tests.jsonl} read back for {@code --resend} (issue 65): what the one writer ({@link TestsFile}) wrote for a test that
 * ran, ok or failed, reads back as the same labels and figures, stamped at the same end; a skipped run and a line cut by a
 * crash are passed over; a schedule's rotated files come first, oldest first; a folder with no {@code tests.jsonl} is
 * refused.
 */
class RecordedResultsTest {
    private static final Plan.Test TEST = new Plan.Test("t_a-b", "a", "b", Plan.Direction.UP, TestSpec.tcp(1), 2);

    @TempDir
    Path dir;

    private static TestResult result(TestResult.Outcome o) {
        return new TestResult(TEST.id(), TEST.sender(), TEST.receiver(), TEST.direction().word(), TEST.spec(), TEST.repeat(), o,
                Optional.empty(), Optional.empty(), Optional.empty(), Optional.empty(), List.of(), Duration.ofMillis(1500));
    }

    private static RunRecord.Ran ran(long run, TestResult r, double end) {
        RunFigures f = new RunFigures(run, r.ok(), r.ok() ? 9.4e8 : 0, r.ok() ? 9.5e8 : 0, r.ok() ? 117_500_000 : 0,
                r.ok() ? OptionalLong.of(5) : OptionalLong.empty(), r.ok() ? OptionalDouble.of(0.003) : OptionalDouble.empty(),
                OptionalDouble.empty(), OptionalDouble.empty(), 1.5, end, List.of());
        return new RunRecord.Ran(r, run, Instant.ofEpochSecond(1_700_000_000), Instant.ofEpochSecond(1_700_000_001), f);
    }

    @Test
    void whatTheWriterWroteReadsBackAsTheSameLabelsAndFigures() throws Exception {
        TestsFile file = TestsFile.scheduled(dir, TestsFile.MIN_ROTATE_BYTES);
        RunRecord.Ran ok = ran(3, result(new TestResult.Outcome.Completed(9.5e8, 9.4e8, 117_500_000)), 1_700_000_123.456);
        RunRecord.Ran failed = ran(4, result(new TestResult.Outcome.Failed(new ConnectionError("ssh: connection refused"))), 1_700_000_223.5);
        file.accept(ok);
        file.accept(new RunRecord.Skipped(TEST, 5, Instant.ofEpochSecond(1_700_000_300), "host busy", Instant.ofEpochSecond(1_700_000_310)));
        file.accept(failed);
        Files.writeString(TestsFile.file(dir, 0), "{\"id\":\"t_a-b\",\"run\":6,\"sta", StandardCharsets.UTF_8, StandardOpenOption.APPEND);

        RecordedResults.Read read = RecordedResults.of(dir);
        assertThat(read.passedOver()).as("the cut line").isEqualTo(1);
        assertThat(read.results()).hasSize(3);
        RecordedResults.Recorded first = read.results().get(0);
        assertThat(first.name()).isEqualTo("t_a-b run 3");
        assertThat(first.labels()).containsExactlyEntriesOf(ResultPush.labels(TEST));
        assertThat(first.figures()).isEqualTo(ok.figures());
        // a skipped run is resent as the session sent it: not ok, stamped when given up (issue 66)
        RecordedResults.Recorded skipped = read.results().get(1);
        assertThat(skipped.name()).isEqualTo("t_a-b run 5");
        assertThat(skipped.figures()).isEqualTo(RunFigures.skipped(5, 1_700_000_310));
        RecordedResults.Recorded second = read.results().get(2);
        assertThat(second.figures().ok()).isFalse();
        assertThat(second.figures().endedUnixSeconds()).isEqualTo(1_700_000_223.5);
        assertThat(second.figures().run()).isEqualTo(4);
    }

    @Test
    void aScheduleRotatedFilesComeFirstOldestFirst() throws Exception {
        TestsFile file = TestsFile.scheduled(dir, TestsFile.MIN_ROTATE_BYTES);
        long run = 0;
        while (!Files.exists(TestsFile.file(dir, 2))) {
            file.accept(ran(++run, result(new TestResult.Outcome.Completed(1, 1, 1)), 1_700_000_000 + run));
        }
        List<RecordedResults.Recorded> all = RecordedResults.of(dir).results();
        assertThat(all).extracting(r -> r.figures().run()).as("every run, in order").isSorted().hasSize((int) run);
    }

    @Test
    void aFolderWithoutTestsJsonlIsRefused() {
        assertThatThrownBy(() -> RecordedResults.of(dir)).isInstanceOf(IOException.class).hasMessageContaining("holds no tests.jsonl");
    }
}
