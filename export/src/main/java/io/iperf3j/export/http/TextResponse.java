package io.iperf3j.export.http;

import com.sun.net.httpserver.HttpExchange;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;

/**
 * The one way export's two HTTP endpoints answer (the exporter's {@code /probe} and {@code /metrics},
 * a server's {@code --metrics.listen}): a whole text body with its length, or only the headers for
 * {@code HEAD}. Not exported: each endpoint's public face is its own class.
 */
public final class TextResponse {
    private TextResponse() {
    }

    /** Sends {@code status} with {@code body} (UTF-8) as {@code contentType}, the body left out for HEAD. */
    public static void send(HttpExchange ex, int status, String contentType, String body) throws IOException {
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        ex.getResponseHeaders().set("Content-Type", contentType);
        boolean head = ex.getRequestMethod().equals("HEAD");
        ex.sendResponseHeaders(status, head ? -1 : bytes.length);
        if (!head) {
            try (OutputStream os = ex.getResponseBody()) {
                os.write(bytes);
            }
        }
    }
}
