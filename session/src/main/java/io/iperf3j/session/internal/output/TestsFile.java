package io.iperf3j.session.internal.output;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import io.iperf3j.session.Plan;
import io.iperf3j.session.TestResult;
import io.iperf3j.session.internal.result.RunFigures;
import java.io.IOException;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import io.iperf3j.session.internal.files.OwnFiles;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Instant;
import java.util.Locale;
import java.util.Optional;
import java.util.OptionalDouble;
import java.util.function.Consumer;

/**
 * The one writer of a session's {@code tests.jsonl}: one line per {@link RunRecord}, written as it comes,
 * whether the plan runs once or on a schedule, with the same keys in the same order:
 * {@code id}, {@code run} (a schedule's lines only: the report reads a file whose lines have it as a
 * history), then a rotating test's ({@code per_run}) on a schedule's lines only: {@code rotation_run} and
 * {@code rotation_runs} (where its run is in the cycle: run 3 of 12), {@code rotation_pair} and {@code rotation_pairs} (its
 * pair's place in the order, from 1, of how many), then an agent's only ({@link #planVersion}): {@code plan_version} (the
 * version of the plan its run used: {@code sha256:} and 12 hex digits of the plan's bytes), {@code sender}, {@code receiver}, {@code direction}, {@code protocol}, {@code kind},
 * {@code repeat}, {@code status} ({@code ok}, {@code failed}, {@code skipped}), {@code due}, {@code started},
 * {@code error}, {@code sent_bits_per_second}, {@code received_bits_per_second}, {@code received_bytes},
 * {@code reverse_received_bits_per_second}, {@code why} (what held each direction back, iperf3j's {@code --why}: an
 * array, null when the test failed or was skipped), {@code client_output}, {@code server_output}, {@code warnings}
 * (only when there is any), then the figures a history draws: {@code end_timestamp_seconds},
 * {@code retransmits}, {@code rtt_seconds}, {@code loss_percent}, {@code jitter_seconds},
 * {@code duration_seconds}. A value a line does not have is null. The keys are a contract with the report
 * module and with {@code --resume}.
 *
 * <p>A schedule's file is rotated by size ({@code tests.jsonl.1} … {@code .}{@value #KEPT}, the oldest
 * dropped); a plan run once is never rotated ({@code --resume} reads the one file). Called on one thread at a
 * time (the dispatcher's outcome thread).
 */
public final class TestsFile implements Consumer<RunRecord> {
    /** The file's name. */
    public static final String NAME = "tests.jsonl";
    /** A schedule's file is rotated when it would grow over this. */
    public static final long DEFAULT_ROTATE_BYTES = 64L << 20;
    /** The smallest rotation size: the runs still open must stay in the kept files. */
    public static final long MIN_ROTATE_BYTES = 1L << 20;
    /** Rotated files kept. */
    public static final int KEPT = 4;
    private static final JsonFactory JSON = new JsonFactory();

    private final Path dir;
    private final boolean scheduled;
    private final long rotateBytes;
    private final Optional<String> planVersion;

    private TestsFile(Path dir, boolean scheduled, long rotateBytes, Optional<String> planVersion) {
        this.dir = dir;
        this.scheduled = scheduled;
        this.rotateBytes = rotateBytes;
        this.planVersion = planVersion;
    }

    /** The file of a plan run once in {@code dir}. */
    public static TestsFile once(Path dir) {
        return new TestsFile(dir, false, Long.MAX_VALUE, Optional.empty());
    }

    /**
     * This file, its lines stamped with {@code plan_version}: an agent's (issue 69), whose plan may change between runs, so
     * that the records of a fleet's hosts can be checked to agree on the version each run used.
     */
    public TestsFile planVersion(String version) {
        return new TestsFile(dir, scheduled, rotateBytes, Optional.of(version));
    }

    /** The file of a schedule in {@code dir}, rotated when it would grow over {@code rotateBytes}. */
    public static TestsFile scheduled(Path dir, long rotateBytes) {
        if (rotateBytes < MIN_ROTATE_BYTES) {
            throw new IllegalArgumentException("rotation size " + rotateBytes + " under " + MIN_ROTATE_BYTES);
        }
        return new TestsFile(dir, true, rotateBytes, Optional.empty());
    }

    /** The {@code i}th rotated file of {@code dir} (0: {@code tests.jsonl} itself). */
    public static Path file(Path dir, int i) {
        return dir.resolve(i == 0 ? NAME : NAME + "." + i);
    }

    /** Appends the record's line. */
    @Override
    public void accept(RunRecord r) {
        try {
            Path results = file(dir, 0);
            byte[] bytes = (line(r) + "\n").getBytes(StandardCharsets.UTF_8);
            if (Files.isRegularFile(results, LinkOption.NOFOLLOW_LINKS) && Files.size(results) + bytes.length > rotateBytes) {
                rotate();
            }
            // never through a link at its name (issue 55): O_NOFOLLOW, and only the user's own regular file
            OwnFiles.append(results, bytes);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The record's line, without its newline. */
    public String line(RunRecord r) {
        StringWriter w = new StringWriter();
        try (JsonGenerator g = JSON.createGenerator(w)) {
            switch (r) {
                case RunRecord.Ran ran -> ran(g, ran);
                case RunRecord.Skipped s -> skipped(g, s);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return w.toString();
    }

    private void ran(JsonGenerator g, RunRecord.Ran ran) throws IOException {
        TestResult r = ran.result();
        head(g, ran, r.ok() ? "ok" : "failed", ran.started());
        switch (r.outcome()) {
            case TestResult.Outcome.Completed c -> {
                g.writeNullField("error");
                number(g, "sent_bits_per_second", OptionalDouble.of(c.sentBitsPerSecond()));
                number(g, "received_bits_per_second", OptionalDouble.of(c.receivedBitsPerSecond()));
                g.writeNumberField("received_bytes", c.receivedBytes());
                number(g, "reverse_received_bits_per_second", c.reverseReceivedBitsPerSecond());
                why(g, r);
            }
            case TestResult.Outcome.Failed f -> {
                g.writeStringField("error", f.error().kind() + ": " + f.error().getMessage());
                nulls(g, "sent_bits_per_second", "received_bits_per_second", "received_bytes", "reverse_received_bits_per_second",
                        "why");
            }
        }
        relative(g, "client_output", r.clientOutput().orElse(null));
        relative(g, "server_output", r.serverOutput().orElse(null));
        if (!r.warnings().isEmpty()) {
            // what the test met and got past (a port taken, a host without SFTP): only when there is any
            g.writeArrayFieldStart("warnings");
            for (String warning : r.warnings()) {
                g.writeString(warning);
            }
            g.writeEndArray();
        }
        RunFigures f = ran.figures();
        g.writeFieldName("end_timestamp_seconds");
        g.writeNumber(millis(f.endedUnixSeconds()));
        if (f.retransmits().isPresent()) {
            g.writeNumberField("retransmits", f.retransmits().getAsLong());
        } else {
            g.writeNullField("retransmits");
        }
        number(g, "rtt_seconds", f.rttSeconds());
        number(g, "loss_percent", f.lossPercent());
        number(g, "jitter_seconds", f.jitterSeconds());
        g.writeNumberField("duration_seconds", f.durationSeconds());
        g.writeEndObject();
    }

    private void skipped(JsonGenerator g, RunRecord.Skipped s) throws IOException {
        head(g, s, "skipped", null);
        g.writeStringField("error", s.reason());
        nulls(g, "sent_bits_per_second", "received_bits_per_second", "received_bytes", "reverse_received_bits_per_second",
                "why", "client_output", "server_output");
        g.writeFieldName("end_timestamp_seconds");
        g.writeNumber(millis(s.givenUp().toEpochMilli() / 1000.0));
        nulls(g, "retransmits", "rtt_seconds", "loss_percent", "jitter_seconds", "duration_seconds");
        g.writeEndObject();
    }

    private void head(JsonGenerator g, RunRecord r, String status, Instant started) throws IOException {
        Plan.Test t = r.test();
        g.writeStartObject();
        g.writeStringField("id", t.id());
        if (scheduled) {
            g.writeNumberField("run", r.run());
            if (t.turn().isPresent()) {
                // a rotating test's (per_run, issue 69): where its run is in the cycle, and its pair in the order
                Plan.Turn turn = t.turn().get();
                g.writeNumberField("rotation_run", turn.cycleRun(r.run()));
                g.writeNumberField("rotation_runs", turn.runs());
                g.writeNumberField("rotation_pair", turn.pair() + 1);
                g.writeNumberField("rotation_pairs", turn.pairs());
            }
        }
        if (planVersion.isPresent()) {
            g.writeStringField("plan_version", planVersion.get());
        }
        g.writeStringField("sender", t.sender());
        g.writeStringField("receiver", t.receiver());
        g.writeStringField("direction", t.direction().word());
        g.writeStringField("protocol", t.spec().protocol().name().toLowerCase(Locale.ROOT));
        g.writeStringField("kind", t.spec().kind());
        g.writeNumberField("repeat", t.repeat());
        g.writeStringField("status", status);
        g.writeStringField("due", r.due().toString());
        if (started == null) {
            g.writeNullField("started");
        } else {
            g.writeStringField("started", started.toString());
        }
    }

    /**
     * {@code why}: what held each direction of the data back ({@code --why}), one object per direction (a
     * {@code --bidir} test's sender's data first): {@code from}, {@code to} (the nodes that sent and received that
     * data), {@code cause} (iperf3j's {@code end.iperf3j_why} keys), {@code headline}, {@code reason},
     * {@code remedy} (null when there is none).
     */
    private static void why(JsonGenerator g, TestResult r) throws IOException {
        g.writeArrayFieldStart("why");
        for (TestResult.Verdict v : r.why()) {
            g.writeStartObject();
            g.writeStringField("from", r.dataSender(v));
            g.writeStringField("to", r.dataReceiver(v));
            g.writeStringField("cause", v.cause().key());
            g.writeStringField("confidence", v.confidence().key());
            g.writeStringField("headline", v.headline());
            g.writeStringField("reason", v.reason());
            if (v.remedy().isPresent()) {
                g.writeStringField("remedy", v.remedy().get());
            } else {
                g.writeNullField("remedy");
            }
            g.writeEndObject();
        }
        g.writeEndArray();
    }

    private static void nulls(JsonGenerator g, String... names) throws IOException {
        for (String n : names) {
            g.writeNullField(n);
        }
    }

    private static void number(JsonGenerator g, String name, OptionalDouble v) throws IOException {
        if (v.isPresent() && Double.isFinite(v.getAsDouble())) {
            g.writeNumberField(name, v.getAsDouble());
        } else {
            g.writeNullField(name);
        }
    }

    /** Unix seconds to the millisecond, written as such (1795708916.553, not 1.795708916553E9). */
    private static BigDecimal millis(double unixSeconds) {
        return BigDecimal.valueOf(Math.round(unixSeconds * 1000), 3);
    }

    private void relative(JsonGenerator g, String name, Path p) throws IOException {
        if (p == null) {
            g.writeNullField(name);
        } else {
            g.writeStringField(name, dir.toAbsolutePath().relativize(p.toAbsolutePath()).toString());
        }
    }

    private void rotate() throws IOException {
        Files.deleteIfExists(file(dir, KEPT));
        for (int i = KEPT - 1; i >= 1; i--) {
            Path from = file(dir, i);
            if (Files.exists(from, LinkOption.NOFOLLOW_LINKS)) {
                Files.move(from, file(dir, i + 1));
            }
        }
        Files.move(file(dir, 0), file(dir, 1));
    }
}
