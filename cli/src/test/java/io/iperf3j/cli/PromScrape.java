package io.iperf3j.cli;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** A scrape of a server's {@code /metrics} (or {@code /health}) and the value of one sample in it. */
final class PromScrape {
    private static final HttpClient HTTP = HttpClient.newHttpClient();

    private PromScrape() {
    }

    /** The body of a GET that must answer 200 within 10 s. */
    static String get(String url) throws IOException, InterruptedException {
        HttpResponse<String> r = HTTP.send(HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(10)).build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(r.statusCode()).as("GET %s: %s", url, r.body()).isEqualTo(200);
        return r.body();
    }

    /** The value of the one sample {@code series} (its name and labels, as written) in an exposition. */
    static double value(String prom, String series) {
        List<String> samples = prom.lines().filter(l -> l.startsWith(series + " ")).toList();
        assertThat(samples).as("one sample of %s in%n%s", series, prom).hasSize(1);
        String line = samples.getFirst();
        return Double.parseDouble(line.substring(line.lastIndexOf(' ') + 1));
    }
}
