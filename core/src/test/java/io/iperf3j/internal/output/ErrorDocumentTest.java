package io.iperf3j.internal.output;

import static org.assertj.core.api.Assertions.assertThat;

import io.iperf3j.internal.json.JsonObject;
import io.iperf3j.testing.JsonPaths;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** The error document and events, byte for byte against iperf3's. */
@Timeout(10)
class ErrorDocumentTest {

    @Test
    void jsonIsIperf312sDocumentByteForByte() throws IOException {
        String reference = resource("/reference/iperf3-3.12/error_refused.json");
        JsonObject start = JsonPaths.parse(reference).getObject("start");

        String ours = ErrorDocument.render(OutputMode.JSON, start.getString("version"),
                start.getString("system_info"), "unable to connect to server: Connection refused");

        assertThat(ours).isEqualTo(reference);
    }

    @Test
    void jsonStreamIsAnErrorEventAndAnEmptyEndAs321PrintsThem() {
        String message = "error - unable to start listener for connections: Address already in use";
        String events = "{\"event\":\"error\",\"data\":\"" + message + "\"}\n{\"event\":\"end\",\"data\":{}}\n";

        assertThat(ErrorDocument.render(OutputMode.JSON_STREAM, "v", "u", message)).isEqualTo(events);
        assertThat(ErrorDocument.render(OutputMode.JSON_STREAM_FULL, "v", "u", message))
                .isEqualTo(events + ErrorDocument.render(OutputMode.JSON, "v", "u", message));
        assertThat(ErrorDocument.render(OutputMode.TEXT, "v", "u", message)).isEmpty();
    }

    private static String resource(String name) throws IOException {
        try (InputStream in = ErrorDocumentTest.class.getResourceAsStream(name)) {
            assertThat(in).as(name).isNotNull();
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
    }
}
