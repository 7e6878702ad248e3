package io.iperf3j.report;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The page's model for every recorded run, the 3.12 captures and both session fixtures, against golden files in
 * {@code src/test/resources/io/iperf3j/report/model/}, so that a change of the reader under the page (issue 27)
 * cannot change a page by accident. A golden file that is missing is written (and the test fails, to be looked
 * at); {@code -Dreport.golden.update=true} rewrites them all.
 */
@Timeout(120)
class ReportModelGoldenTest {
    private static final ObjectMapper MAPPER = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);
    private static final Path GOLDEN = Path.of("src/test/resources/io/iperf3j/report/model");
    private static final List<String> CAPTURES_312 = List.of("auth_denied", "client_interrupted", "error_busy",
            "error_refused", "get_server_output", "get_server_output_json_server", "server_tcp", "server_tcp_reverse",
            "server_udp", "tcp", "tcp_bidir", "tcp_blocks_k", "tcp_bytes_n", "tcp_omit", "tcp_parallel2", "tcp_reverse",
            "tcp_title_extra", "udp", "udp_bidir", "udp_reverse");

    static Stream<String> inputs() throws IOException {
        List<String> out = new ArrayList<>();
        try (Stream<Path> runs = Files.list(Inputs.resource("runs"))) {
            runs.map(p -> "runs/" + p.getFileName()).sorted().forEach(out::add);
        }
        CAPTURES_312.forEach(c -> out.add("3.12/" + c + ".json"));
        out.add("session");
        out.add("session-kinds");
        return out.stream();
    }

    @ParameterizedTest
    @MethodSource("inputs")
    void modelIsTheGoldenOne(String name) throws Exception {
        Path input = name.startsWith("3.12/") ? Inputs.reference(name.substring(5)) : Inputs.resource(name);
        ByteArrayOutputStream page = new ByteArrayOutputStream();
        HtmlReport.builder().add(input).build().writeTo(page);
        Matcher m = Pattern.compile("id=\"iperf3j-model\"[^>]*>(.*?)</script>", Pattern.DOTALL)
                .matcher(page.toString(StandardCharsets.UTF_8));
        assertThat(m.find()).isTrue();
        JsonNode model = MAPPER.readTree(m.group(1));
        if (model.path("session").isObject()) {
            ((ObjectNode) model.get("session")).put("dir", "SESSION_DIR");
        }
        String actual = MAPPER.writeValueAsString(model) + "\n";
        Path golden = GOLDEN.resolve(name.replace('/', '_') + ".model.json");
        if (Boolean.getBoolean("report.golden.update") || !Files.exists(golden)) {
            Files.createDirectories(GOLDEN);
            Files.writeString(golden, actual);
            assertThat(Boolean.getBoolean("report.golden.update")).as("golden file " + golden + " was missing; written")
                    .isTrue();
            return;
        }
        assertThat(actual).as("model of " + name + " (golden " + golden + ")").isEqualTo(Files.readString(golden));
    }
}
