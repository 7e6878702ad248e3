package io.iperf3j.report;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;

/** The page's embedded model and raw inputs, read back from the HTML with Jackson. */
@Timeout(60)
class HtmlReportTest {
    private static final ObjectMapper MAPPER = new ObjectMapper();

    private static String page(HtmlReport report) throws Exception {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        report.writeTo(out);
        return out.toString(StandardCharsets.UTF_8);
    }

    private static JsonNode model(String html) throws Exception {
        Matcher m = Pattern.compile("id=\"iperf3j-model\"[^>]*>(.*?)</script>", Pattern.DOTALL).matcher(html);
        assertThat(m.find()).isTrue();
        return MAPPER.readTree(m.group(1));
    }

    @Test
    void headlineAndIntervalsAreTheInputs() throws Exception {
        var input = Inputs.reference("tcp_parallel2.json");
        JsonNode doc = Inputs.json(input);
        JsonNode run = model(page(HtmlReport.builder().add(input).build())).path("runs").path(0);
        JsonNode s = run.path("summary");
        assertThat(s.path("sender_bits_per_second").asDouble()).isEqualTo(doc.path("end").path("sum_sent").path("bits_per_second").asDouble());
        assertThat(s.path("receiver_bits_per_second").asDouble()).isEqualTo(doc.path("end").path("sum_received").path("bits_per_second").asDouble());
        assertThat(s.path("retransmits").asLong()).isEqualTo(doc.path("end").path("sum_sent").path("retransmits").asLong());
        assertThat(s.path("streams").asInt()).isEqualTo(2);
        assertThat(s.path("version").asText()).isEqualTo("iperf 3.12");
        JsonNode view = run.path("views").path(0);
        assertThat(view.path("intervals").asInt()).isEqualTo(doc.path("intervals").size());
        // sum first, then the two streams; bytes exact, bit rates to the whole bit
        assertThat(view.path("series")).hasSize(3);
        for (int i = 0; i < doc.path("intervals").size(); i++) {
            JsonNode interval = doc.path("intervals").path(i);
            assertThat(view.path("series").path(0).path("metrics").path("bytes").path(i).asLong())
                    .isEqualTo(interval.path("sum").path("bytes").asLong());
            assertThat(view.path("series").path(1).path("metrics").path("bits_per_second").path(i).asDouble())
                    .isCloseTo(interval.path("streams").path(0).path("bits_per_second").asDouble(), org.assertj.core.data.Offset.offset(0.5));
            assertThat(view.path("series").path(2).path("metrics").path("rtt").path(i).asLong())
                    .isEqualTo(interval.path("streams").path(1).path("rtt").asLong());
        }
    }

    @Test
    void jsonStreamAndDocumentGiveTheSameModel() throws Exception {
        // the same kind of run in both formats: each interval's sum, as recorded
        var stream = Inputs.resource("runs/ours_tcp_stream.jsonl");
        JsonNode view = model(page(HtmlReport.builder().add(stream).build())).path("runs").path(0).path("views").path(0);
        int n = Inputs.intervals(stream);
        assertThat(view.path("intervals").asInt()).isEqualTo(n);
        int i = 0;
        for (String line : Files.readAllLines(stream)) {
            JsonNode e = MAPPER.readTree(line);
            if (e.path("event").asText().equals("interval")) {
                assertThat(view.path("series").path(0).path("metrics").path("bytes").path(i++).asLong())
                        .isEqualTo(e.path("data").path("sum").path("bytes").asLong());
            }
        }
        assertThat(i).isEqualTo(n);
    }

    @Test
    void rawInputIsEmbeddedAndScriptSafe() throws Exception {
        String doc = Files.readString(Inputs.reference("tcp_title_extra.json")).replace("mytitle", "</script><b>x</b>");
        String html = page(HtmlReport.builder().addDocument("evil", doc).build());
        assertThat(html).doesNotContain("</script><b>");
        Matcher m = Pattern.compile("<script type=\"application/json\" id=\"iperf3j-raw-0\" data-encoding=\"text\"[^>]*>(.*?)</script>", Pattern.DOTALL).matcher(html);
        assertThat(m.find()).isTrue();
        assertThat(MAPPER.readTree(m.group(1))).isEqualTo(MAPPER.readTree(doc));
        assertThat(model(html).path("runs").path(0).path("summary").path("title").asText()).isEqualTo("</script><b>x</b>");
    }

    @Test
    void pageFetchesNothing() throws Exception {
        String html = page(HtmlReport.builder().add(Inputs.reference("udp_bidir.json")).build());
        // no element loads anything (the browser tests also run with the network off)
        assertThat(html).doesNotContainPattern("(?i)<(script|link|img|iframe)[^>]+(src|href)\\s*=")
                .doesNotContainPattern("(?i)url\\(\\s*['\"]?(https?:|//)")
                .doesNotContainPattern("(?i)@import")
                .contains("uPlot");
    }
}
