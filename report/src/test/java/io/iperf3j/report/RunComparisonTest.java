package io.iperf3j.report;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.iperf3j.report.PairChange.Verdict;

import java.io.ByteArrayOutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.stream.Collectors;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@link RunComparison} over real iperf3 3.12 captures and over session output directories. */
class RunComparisonTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path dir;

    private static RunComparison compared(Path baseline, Path current, double pct) {
        CompareResult r = RunComparison.compare(baseline.toString(), current.toString(), pct);
        assertThat(r).isInstanceOf(CompareResult.Compared.class);
        return ((CompareResult.Compared) r).comparison();
    }

    /** iperf3 3.12's tcp.json with its received figures scaled (a slower run of the same test). */
    private Path scaled(String capture, double factor) throws Exception {
        ObjectNode doc = (ObjectNode) JSON.readTree(Inputs.reference(capture).toFile());
        ObjectNode received = (ObjectNode) doc.path("end").path("sum_received");
        received.put("bits_per_second", received.get("bits_per_second").asDouble() * factor);
        return Files.writeString(dir.resolve("scaled-" + factor + "-" + capture), JSON.writeValueAsString(doc));
    }

    @Test
    void aRealCaptureAgainstItselfIsOkAndAgainstASlowerCopyRegresses() throws Exception {
        Path tcp = Inputs.reference("tcp.json");
        double received = JSON.readTree(tcp.toFile()).path("end").path("sum_received").path("bits_per_second").asDouble();
        RunComparison same = compared(tcp, tcp, 10);
        assertThat(same.pairs()).singleElement().satisfies(p -> {
            assertThat(p.verdict()).isEqualTo(Verdict.OK);
            assertThat(p.changePercent()).isZero();
            assertThat(p.baseline().medianBitsPerSecond()).isEqualTo(received);
            assertThat(p.direction()).isEqualTo("up");
            assertThat(p.protocol()).isEqualTo("tcp");
        });
        assertThat(same.regressed()).isFalse();

        RunComparison slower = compared(tcp, scaled("tcp.json", 0.863), 10);
        assertThat(slower.pairs()).singleElement().satisfies(p -> {
            assertThat(p.changePercent()).isCloseTo(-13.7, within(1e-6));
            assertThat(p.verdict()).isEqualTo(Verdict.REGRESSION);
        });
        assertThat(slower.regressed()).isTrue();
        assertThat(compared(tcp, scaled("tcp.json", 0.863), 14).regressed()).isFalse();
    }

    @Test
    void aBidirRunIsTwoPairsAndAFailedRunFails() throws Exception {
        RunComparison bidir = compared(Inputs.reference("tcp_bidir.json"), Inputs.reference("tcp_bidir.json"), 10);
        assertThat(bidir.pairs()).extracting(PairChange::half).containsExactly("forward", "reverse");
        JsonNode end = JSON.readTree(Inputs.reference("tcp_bidir.json").toFile()).path("end");
        assertThat(bidir.pairs().get(1).current().medianBitsPerSecond())
                .isEqualTo(end.path("sum_received_bidir_reverse").path("bits_per_second").asDouble());

        RunComparison refused = compared(Inputs.reference("tcp.json"), Inputs.reference("error_refused.json"), 10);
        assertThat(refused.pairs()).singleElement().satisfies(p -> {
            assertThat(p.verdict()).isEqualTo(Verdict.FAILED);
            assertThat(p.current().error()).isEqualTo(JSON.readTree(Inputs.reference("error_refused.json").toFile()).path("error").asText());
        });
        assertThat(refused.regressed()).isTrue();
    }

    private Path session(String name, List<String> lines) throws Exception {
        Path d = Files.createDirectories(dir.resolve(name));
        Files.writeString(d.resolve("tests.jsonl"), String.join("\n", lines) + "\n");
        return d;
    }

    private static String line(String id, int repeat, String status, double mbits, String direction, Double reverse) {
        String[] pair = id.substring(id.indexOf('_') + 1).replaceAll("_r\\d+$", "").split("-");
        return "{\"id\":\"" + id + "\",\"sender\":\"" + pair[0] + "\",\"receiver\":\"" + pair[1] + "\",\"direction\":\"" + direction
                + "\",\"protocol\":\"tcp\",\"kind\":\"tcp" + ("bidir".equals(direction) ? " bidir" : "") + "\",\"repeat\":" + repeat
                + ",\"status\":\"" + status + "\",\"error\":" + ("ok".equals(status) ? "null" : "\"unable to connect\"")
                + ",\"received_bits_per_second\":" + ("ok".equals(status) ? mbits * 1e6 : "null")
                + ",\"reverse_received_bits_per_second\":" + (reverse == null ? "null" : reverse * 1e6) + "}";
    }

    @Test
    void aPlansRepeatsAreOnePairsRunsAndAResumedTestCountsItsLastLine() throws Exception {
        Path base = session("base", List.of(
                line("m_a-b_r1", 1, "ok", 940, "up", null), line("m_a-b_r2", 1, "ok", 930, "up", null),
                line("m_a-b_r3", 1, "ok", 950, "up", null), line("m_b-a", 0, "ok", 500, "down", null),
                line("x_a-b", 0, "ok", 100, "bidir", 90.0)));
        Path cur = session("cur", List.of(
                line("m_a-b_r1", 1, "ok", 800, "up", null), line("m_a-b_r2", 1, "ok", 810, "up", null),
                line("m_a-b_r3", 1, "failed", 0, "up", null), line("m_a-b_r3", 1, "ok", 790, "up", null),
                line("m_b-a", 0, "failed", 0, "down", null), line("x_a-b", 0, "ok", 99, "bidir", 60.0),
                line("n_a-c", 0, "ok", 10, "up", null)));
        RunComparison c = compared(base, cur, 10);
        Map<String, PairChange> byId = c.pairs().stream()
                .collect(Collectors.toMap(p -> p.id() + "/" + p.half(), Function.identity()));
        assertThat(byId.keySet()).containsExactlyInAnyOrder("m_a-b/forward", "m_b-a/forward", "x_a-b/forward", "x_a-b/reverse",
                "n_a-c/forward");
        PairChange mab = byId.get("m_a-b/forward");
        assertThat(mab.baseline().runs()).isEqualTo(3);
        assertThat(mab.current().runs()).as("the resumed r3's last line counts, not its failed one").isEqualTo(3);
        assertThat(mab.current().failed()).isZero();
        assertThat(mab.changePercent()).isCloseTo((800.0 - 940.0) / 940.0 * 100, within(1e-9));
        assertThat(mab.verdict()).isEqualTo(Verdict.REGRESSION);
        assertThat(byId.get("m_b-a/forward").verdict()).isEqualTo(Verdict.FAILED);
        assertThat(byId.get("x_a-b/forward").verdict()).isEqualTo(Verdict.OK);
        PairChange reverse = byId.get("x_a-b/reverse");
        assertThat(reverse.sender()).isEqualTo("b");
        assertThat(reverse.receiver()).isEqualTo("a");
        assertThat(reverse.verdict()).isEqualTo(Verdict.REGRESSION);
        assertThat(byId.get("n_a-c/forward").verdict()).isEqualTo(Verdict.NEW);
    }

    @Test
    void aSchedulesRunsAreThePairsSpread() throws Exception {
        double[] week = {900, 1000, 1100, 950, 1050, 980, 1020};
        List<String> base = new java.util.ArrayList<>();
        for (int i = 0; i < week.length; i++) {
            base.add(line("s_a-b", 0, "ok", week[i], "up", null).replace("{\"id\":\"s_a-b\"", "{\"id\":\"s_a-b\",\"run\":" + (i + 1)));
        }
        Path b = session("sched-base", base);
        Files.writeString(b.resolve("schedule-state.json"), "{}");
        Path c = session("sched-cur", List.of(
                line("s_a-b", 0, "ok", 880, "up", null).replace("{\"id\":\"s_a-b\"", "{\"id\":\"s_a-b\",\"run\":8"),
                line("s_a-b", 0, "skipped", 0, "up", null).replace("{\"id\":\"s_a-b\"", "{\"id\":\"s_a-b\",\"run\":9")));
        Files.writeString(c.resolve("schedule-state.json"), "{}");
        PairChange p = compared(b, c, 10).pairs().getFirst();
        assertThat(p.baseline().runs()).isEqualTo(week.length);
        assertThat(p.current().runs()).as("a skipped run is no run").isEqualTo(1);
        assertThat(p.changePercent()).isLessThan(-10);
        assertThat(p.baseline().spreadPercent()).isGreaterThan(-p.changePercent());
        assertThat(p.verdict()).isEqualTo(Verdict.WITHIN_SPREAD);
    }

    @Test
    void badInputsAreNamed() throws Exception {
        Path tcp = Inputs.reference("tcp.json");
        Path s = session("s", List.of(line("m_a-b", 0, "ok", 940, "up", null)));
        assertThat(RunComparison.compare(tcp.toString(), s.toString(), 10)).isInstanceOfSatisfying(CompareResult.BadInput.class,
                b -> assertThat(b.message()).contains("cannot compare a single run (" + tcp + ")"));
        Path missing = dir.resolve("nope.json");
        assertThat(RunComparison.compare(missing.toString(), tcp.toString(), 10)).isInstanceOfSatisfying(CompareResult.BadInput.class,
                b -> assertThat(b.message()).isEqualTo(missing + ": no such file or directory"));
        Path bad = session("bad", List.of(line("m_a-b", 0, "ok", 940, "up", null), "{\"id\":\"x\"}"));
        assertThat(RunComparison.compare(bad.toString(), s.toString(), 10)).isInstanceOfSatisfying(CompareResult.BadInput.class,
                b -> assertThat(b.message()).contains("line 2 is not a test object"));
    }

    @Test
    void theJsonHasTheDocumentedShape() throws Exception {
        Path tcp = Inputs.reference("tcp.json");
        RunComparison c = compared(tcp, scaled("tcp.json", 0.5), 10);
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        c.writeJson(out, true);
        JsonNode doc = JSON.readTree(out.toByteArray());
        assertThat(doc.path("regressed").asBoolean()).isTrue();
        assertThat(doc.path("gate").asBoolean()).isTrue();
        assertThat(doc.path("counts").path("regression").asInt()).isEqualTo(1);
        JsonNode p = doc.path("pairs").get(0);
        assertThat(p.path("verdict").asText()).isEqualTo("regression");
        assertThat(p.path("change_percent").asDouble()).isCloseTo(-50, within(1e-9));
        assertThat(p.path("baseline").path("median_bits_per_second").asDouble())
                .isEqualTo(JSON.readTree(tcp.toFile()).path("end").path("sum_received").path("bits_per_second").asDouble());
        assertThat(p.path("baseline").path("spread_percent").isNull()).isTrue();
        assertThat(c.text(true)).contains("-50.0 %").contains("regression").contains("FAIL");
    }
}
