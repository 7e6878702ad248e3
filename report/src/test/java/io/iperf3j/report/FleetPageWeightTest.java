package io.iperf3j.report;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.iperf3j.report.internal.PageWriter;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayInputStream;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Base64;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.zip.GZIPInputStream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A fleet's page (issue 48) by its bytes, no browser: a 48-host mesh (1 128 tests, {@link FleetSession}) weighs
 * at most 2 MB, its raw inputs are one gzip pack whose entries unpack to each test's output file byte for
 * byte, and a session of at most {@link PageWriter#EAGER_LIMIT} runs keeps one raw element per run.
 */
@Timeout(120)
class FleetPageWeightTest {
    private static final ObjectMapper MAPPER = new ObjectMapper();
    private static final Pattern PACK = Pattern.compile(
            "<script type=\"application/octet-stream\" id=\"iperf3j-raw-pack\" data-encoding=\"gzip\\+base64\" data-size=\"(\\d+)\""
                    + " data-entries=\"([^\"]*)\">([^<]*)</script>");

    @TempDir
    Path dir;

    @Test
    void fortyEightHostsWeighAtMostTwoMegabytesWithEveryRawInputPacked() throws Exception {
        FleetSession.Written fleet = FleetSession.write(dir.resolve("fleet48"), 48, Set.of("fl05"), Set.of("fl31"), 48);
        HtmlReport report = HtmlReport.builder().add(fleet.dir()).build();
        Path html = dir.resolve("fleet48.html");
        report.write(html);
        long outputs = 0;
        try (var files = Files.list(fleet.dir().resolve("outputs"))) {
            for (Path f : files.toList()) {
                outputs += Files.size(f);
            }
        }
        assertThat(outputs).as("the outputs embedded, unpacked").isGreaterThan(10_000_000);
        assertThat(Files.size(html)).as("page bytes").isLessThanOrEqualTo(2_000_000);
        String page = Files.readString(html);
        assertThat(page).doesNotContain("id=\"iperf3j-raw-0\"").contains("data-eager-limit=\"" + PageWriter.EAGER_LIMIT + "\"");
        Matcher m = PACK.matcher(page);
        assertThat(m.find()).as("one raw pack").isTrue();
        byte[] unpacked;
        try (InputStream in = new GZIPInputStream(new ByteArrayInputStream(Base64.getMimeDecoder().decode(m.group(3))))) {
            unpacked = in.readAllBytes();
        }
        assertThat(unpacked.length).isEqualTo(Long.parseLong(m.group(1))).isEqualTo((int) outputs);
        JsonNode entries = MAPPER.readTree(m.group(2).replace("&quot;", "\""));
        assertThat(entries.size()).isEqualTo(report.runCount()).isEqualTo(48 * 47 / 2 - 47);
        // each run's entry is its test's file: runs are numbered in tests.jsonl's order, the tests with an output
        var withOutput = fleet.lines().stream().filter(l -> l.hasNonNull("client_output")).toList();
        for (int i = 0; i < entries.size(); i++) {
            JsonNode e = entries.get(i);
            assertThat(e.get(0).asInt()).isEqualTo(i);
            assertThat(e.get(3).asText()).isEqualTo("application/json");
            String text = new String(unpacked, e.get(1).asInt(), e.get(2).asInt() - e.get(1).asInt(), StandardCharsets.UTF_8);
            assertThat(text).as("run " + i).isEqualTo(Files.readString(fleet.dir().resolve(withOutput.get(i).path("client_output").asText())));
        }
    }

    @Test
    void aSmallSessionKeepsOneRawElementPerRun() throws Exception {
        HtmlReport report = HtmlReport.builder().add(Inputs.resource("session")).build();
        Path html = dir.resolve("session.html");
        report.write(html);
        String page = Files.readString(html);
        assertThat(report.runCount()).isLessThanOrEqualTo(PageWriter.EAGER_LIMIT);
        assertThat(page).doesNotContain("id=\"iperf3j-raw-pack\"");
        for (int i = 0; i < report.runCount(); i++) {
            assertThat(page).contains("id=\"iperf3j-raw-" + i + "\"");
        }
    }
}
