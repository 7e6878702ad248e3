package io.iperf3j.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.iperf3j.testing.FreePorts;
import io.iperf3j.testing.Iperf3Process;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Issue 57: {@code iperf3j exporter} and {@code iperf3j -s} as processes, one target probed in the two forms
 * iperf3_exporter takes ({@code target=H:P} and {@code target=H&port=P}). The {@code target} label was the
 * parameter as given, so one target made two series; it is now the host alone (lower case), the port in
 * {@code port}, whichever form the scrape config uses.
 */
@Timeout(value = 90, unit = TimeUnit.SECONDS)
class ExporterLabelsProcessTest {
    @Test
    void bothFormsOfATargetGiveTheSameLabels() throws Exception {
        int server = FreePorts.next();
        int listen = FreePorts.next();
        try (Iperf3Process s = CommandProcess.start(List.of("-s", "-p", Integer.toString(server)));
                Iperf3Process exporter = CommandProcess.start(List.of("exporter", "--listen", "127.0.0.1:" + listen))) {
            assertThat(s.awaitListening(server, Duration.ofSeconds(30))).as(s.stderr()).isTrue();
            assertThat(exporter.awaitListening(listen, Duration.ofSeconds(30))).as(exporter.stderr()).isTrue();
            List<String> ups = new ArrayList<>();
            try (HttpClient http = HttpClient.newHttpClient()) {
                for (String query : List.of("target=127.0.0.1:" + server, "target=127.0.0.1&port=" + server,
                        "target=LOCALHOST:" + server, "target=localhost&port=" + server)) {
                    HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + listen
                            + "/probe?" + query + "&period=1s")).build(), HttpResponse.BodyHandlers.ofString());
                    assertThat(r.statusCode()).isEqualTo(200);
                    ups.add(r.body().lines().filter(l -> l.startsWith("iperf3_up{")).findFirst().orElse(r.body()));
                    assertThat(r.body().lines().filter(l -> l.startsWith("iperf3_") && !l.startsWith("iperf3_up{")))
                            .as(r.body()).isNotEmpty()
                            .allMatch(l -> l.contains("{port=\"" + server + "\",target=\""));
                }
            }
            assertThat(ups).containsExactly(
                    "iperf3_up{port=\"" + server + "\",target=\"127.0.0.1\"} 1.0",
                    "iperf3_up{port=\"" + server + "\",target=\"127.0.0.1\"} 1.0",
                    "iperf3_up{port=\"" + server + "\",target=\"localhost\"} 1.0",
                    "iperf3_up{port=\"" + server + "\",target=\"localhost\"} 1.0");
        }
    }
}
