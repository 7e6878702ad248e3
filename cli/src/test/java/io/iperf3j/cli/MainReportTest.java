package io.iperf3j.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;

/** The command's wiring of iperf3j-report: {@code iperf3j report} and {@code --report FILE} on a client run. */
@Timeout(60)
class MainReportTest {
    @TempDir
    Path dir;
    private final MainRun main = new MainRun();
    private final ByteArrayOutputStream out = main.out;
    private final ByteArrayOutputStream err = main.err;

    private int run(String... args) {
        return main.run(args);
    }

    private static JsonNode model(Path html) throws Exception {
        Matcher m = Pattern.compile("id=\"iperf3j-model\" data-encoding=\"text\"[^>]*>(.*?)</script>", Pattern.DOTALL).matcher(Files.readString(html));
        assertThat(m.find()).isTrue();
        return new ObjectMapper().readTree(m.group(1));
    }

    @Test
    void clientRunWritesItsReportAndItsUsualOutput() throws Exception {
        Path html = dir.resolve("run.html");
        assertThat(run("--loopback", "-t", "2", "-P", "2", "--report", html.toString())).as(err.toString()).isZero();
        assertThat(out.toString()).contains("sender").contains("receiver"); // iperf3's text output is unchanged
        JsonNode run = model(html).path("runs").path(0);
        assertThat(run.path("summary").path("streams").asInt()).isEqualTo(2);
        assertThat(run.path("views").path(0).path("intervals").asInt()).isEqualTo(2);
        assertThat(run.path("summary").path("version").asText()).startsWith("iperf3j");
    }

    @Test
    void failedClientRunStillWritesAReportWithTheError() throws Exception {
        Path html = dir.resolve("failed.html");
        // nothing listens on port 1 on loopback; the run fails to connect
        assertThat(run("-c", "127.0.0.1", "-p", "1", "-t", "1", "--report=" + html)).isEqualTo(1);
        assertThat(model(html).path("runs").path(0).path("error").asText()).contains("Connection refused");
    }

    @Test
    void reportSubcommandAndOptionErrors() throws Exception {
        Path html = dir.resolve("r.html");
        Path json = dir.resolve("r.json");
        assertThat(run("--loopback", "-t", "1", "-J", "--logfile", json.toString())).isZero();
        assertThat(run("report", json.toString(), "-o", html.toString())).as(err.toString()).isZero();
        assertThat(model(html).path("runs")).hasSize(1);
        assertThat(run("report", dir.resolve("missing.json").toString(), "-o", dir.resolve("m.html").toString())).isEqualTo(1);
        assertThat(err.toString()).contains("iperf3j report: error - ").contains("missing.json");
        assertThat(run("--loopback", "-t", "1", "--report")).isEqualTo(1);
        assertThat(err.toString()).contains("iperf3j: option '--report' requires an argument");
    }
}
