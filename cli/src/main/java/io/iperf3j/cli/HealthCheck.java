package io.iperf3j.cli;

import java.io.IOException;
import java.io.InputStream;
import java.io.PrintStream;
import java.net.HttpURLConnection;
import java.net.Proxy;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;

/**
 * The container image's health check (dist/src/main/sh/build-oci.sh puts it in the image's config;
 * docs/container.md): one {@code GET} of a server's or the exporter's {@code /health}, exit status 0
 * when it answers 200, else 1 with the reason on stderr, as a health check command reports. It runs
 * as {@code java -cp iperf3j.jar io.iperf3j.cli.HealthCheck [URL]} because the image has no shell and
 * no curl: the URL is the argument, else {@code $IPERF3J_HEALTH_URL} (the image sets
 * {@code http://127.0.0.1:9580/health}, the server's {@code --metrics.listen :9580}; the exporter's
 * run line sets its own).
 *
 * <p>Limits: an {@code http://} URL of at most {@value #MAX_URL} characters, no proxy (the endpoint
 * is the container's own), {@value #CONNECT_MS} ms to connect and {@value #READ_MS} ms to read, at most
 * {@value #MAX_BODY} bytes of the answer read (its first line is shown).
 */
public final class HealthCheck {
    /** The variable the URL is read from when no argument gives one. */
    public static final String URL_VARIABLE = "IPERF3J_HEALTH_URL";
    static final int MAX_URL = 2048;
    static final int CONNECT_MS = 2000;
    static final int READ_MS = 5000;
    static final int MAX_BODY = 1024;

    private HealthCheck() {
    }

    public static void main(String[] args) {
        String url = args.length > 0 ? args[0] : System.getenv(URL_VARIABLE);
        System.exit(check(url, System.out, System.err));
    }

    /**
     * One check of {@code url}: 0 and {@code healthy: URL: 200 FIRST_LINE} on {@code out} when it
     * answers 200, else 1 and {@code iperf3j health check: URL: REASON} on {@code err}.
     */
    static int check(String url, PrintStream out, PrintStream err) {
        if (url == null || url.isBlank()) {
            err.println("iperf3j health check: no URL: give one as the argument or in " + URL_VARIABLE);
            return 1;
        }
        if (url.length() > MAX_URL) {
            err.println("iperf3j health check: the URL is longer than " + MAX_URL + " characters");
            return 1;
        }
        URI uri;
        try {
            uri = new URI(url);
        } catch (URISyntaxException e) {
            err.println("iperf3j health check: not a URL: " + url);
            return 1;
        }
        if (!"http".equals(uri.getScheme()) || uri.getHost() == null) {
            err.println("iperf3j health check: " + url + ": not an http://HOST[:PORT]/PATH URL");
            return 1;
        }
        HttpURLConnection http = null;
        try {
            http = (HttpURLConnection) uri.toURL().openConnection(Proxy.NO_PROXY);
            http.setConnectTimeout(CONNECT_MS);
            http.setReadTimeout(READ_MS);
            http.setUseCaches(false);
            http.setInstanceFollowRedirects(false);
            int status = http.getResponseCode();
            InputStream body = status >= 400 ? http.getErrorStream() : http.getInputStream();
            String first = body == null ? "" : firstLine(body);
            if (status != 200) {
                err.println("iperf3j health check: " + url + ": HTTP " + status + (first.isEmpty() ? "" : " " + first));
                return 1;
            }
            out.println("healthy: " + url + ": 200 " + first);
            return 0;
        } catch (IOException e) {
            err.println("iperf3j health check: " + url + ": " + reason(e));
            return 1;
        } finally {
            if (http != null) {
                http.disconnect();
            }
        }
    }

    private static String firstLine(InputStream body) throws IOException {
        try (body) {
            String text = new String(body.readNBytes(MAX_BODY), StandardCharsets.UTF_8);
            return text.lines().findFirst().orElse("").strip();
        }
    }

    /** The exception's words, with its type where they alone say little ("Connection refused" says enough). */
    private static String reason(IOException e) {
        String message = e.getMessage();
        if (e instanceof java.net.SocketTimeoutException) {
            return "no answer in time (" + message + ")";
        }
        return message == null ? e.getClass().getSimpleName() : message;
    }
}
