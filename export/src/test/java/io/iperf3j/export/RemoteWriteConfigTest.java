package io.iperf3j.export;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Supplier;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowable;

/** {@link RemoteWriteConfig}'s checks, their messages, and that no secret shows anywhere. */
class RemoteWriteConfigTest {
    private static final String URL = "http://prom.example:9090/api/v1/write";

    @Test
    void defaultsAndAccessors() {
        RemoteWriteConfig c = RemoteWriteConfig.builder(" " + URL + " ").label("job", "iperf3").label("site", "a b").build();
        assertThat(c.endpoint()).hasToString(URL);
        assertThat(c.labels()).containsExactly(java.util.Map.entry("job", "iperf3"), java.util.Map.entry("site", "a b"));
        assertThat(c.timeout()).isEqualTo(Duration.ofSeconds(10));
        assertThat(c.userAgent()).startsWith("iperf3j/");
        assertThat(c.tenant()).isEmpty();
        assertThat(c.authentication()).isEmpty();
        assertThat(RemoteWriteConfig.builder("HTTPS://h/w").build().endpoint()).hasToString("https://h/w");
        assertThat(RemoteWriteConfig.builder("http://[::1]:9090/api/v1/write?x=1").build().shownEndpoint())
                .isEqualTo("http://[::1]:9090/api/v1/write?…");
    }

    @Test
    void urlsThatCannotBeValidAreRefusedWithTheReason() {
        assertThat(message(() -> RemoteWriteConfig.builder("").build())).isEqualTo("remote-write URL must not be empty");
        assertThat(message(() -> RemoteWriteConfig.builder("ftp://h/w").build()))
                .isEqualTo("remote-write URL must start with http:// or https://, not ftp://");
        assertThat(message(() -> RemoteWriteConfig.builder("prom:9090/api/v1/write").build()))
                .isEqualTo("remote-write URL must start with http:// or https:// (e.g. http://prometheus:9090/api/v1/write)");
        assertThat(message(() -> RemoteWriteConfig.builder("http:///api/v1/write").build()))
                .isEqualTo("remote-write URL must name a host (e.g. http://prometheus:9090/api/v1/write)");
        assertThat(message(() -> RemoteWriteConfig.builder("http://h:9090/api/v1/write#x").build()))
                .isEqualTo("remote-write URL must not have a #fragment: http://h:9090/api/v1/write");
        assertThat(message(() -> RemoteWriteConfig.builder("http://h w/").build()))
                .startsWith("remote-write URL is not a valid URL: Illegal character in authority at character 9");
    }

    @Test
    void aPasswordInTheUrlIsRefusedWithoutRepeatingIt() {
        for (String url : List.of("http://writer:hunter2@h/api/v1/write", "https://hunter2@h/w", "http://a:hunter2@h:x@y/w")) {
            String m = message(() -> RemoteWriteConfig.builder(url).build());
            assertThat(m).startsWith("remote-write URL must not hold a user name or password")
                    .contains("password file").doesNotContain("hunter2");
        }
        assertThat(message(() -> RemoteWriteConfig.builder("http://a b:hunter2@h/w").build())).doesNotContain("hunter2");
    }

    @Test
    void labelsAndHeadersAndSettingsAreChecked() {
        RemoteWriteConfig.Builder b = RemoteWriteConfig.builder(URL);
        assertThat(message(() -> b.label("__x", "v"))).isEqualTo(
                "invalid remote-write label name '__x': must match [a-zA-Z_][a-zA-Z0-9_]* and not start with __");
        assertThat(message(() -> b.label("a-b", "v"))).contains("invalid remote-write label name 'a-b'");
        assertThat(message(() -> b.label("a", ""))).isEqualTo("remote-write label value for 'a' must not be empty");
        b.label("a", "1");
        assertThat(message(() -> b.label("a", "2"))).isEqualTo("duplicate remote-write label name 'a'");
        assertThat(message(() -> b.timeout(Duration.ZERO))).isEqualTo("remote-write timeout must be greater than zero");
        assertThat(message(() -> b.header("Bad Name", "v"))).startsWith("invalid remote-write header name 'Bad Name'");
        assertThat(message(() -> b.header("", "v"))).startsWith("invalid remote-write header name ''");
        for (String reserved : List.of("Content-Type", "content-encoding", "Content-Length", "X-Prometheus-Remote-Write-Version",
                "Host", "Connection")) {
            assertThat(message(() -> b.header(reserved, "v"))).isEqualTo(
                    "remote-write header '" + reserved + "' is set by the protocol; it cannot be given");
        }
        assertThat(message(() -> b.header("User-Agent", "x"))).contains("use the user agent setting");
        assertThat(message(() -> b.header("X-A", "a\r\nX-Injected: 1"))).isEqualTo(
                "remote-write header 'X-A' must not contain control characters");
        b.header("X-A", "1");
        assertThat(message(() -> b.header("x-a", "2"))).isEqualTo("duplicate remote-write header 'x-a'");
        assertThat(message(() -> b.tenant(""))).isEqualTo("remote-write tenant must not be empty");
        assertThat(message(() -> b.userAgent("a\nb"))).isEqualTo("remote-write User-Agent must not contain control characters");
        assertThat(message(() -> b.basicAuth("a:b", Path.of("x")))).contains("must not contain ':'");
    }

    @Test
    void combinationsAndFilesAreCheckedByBuild(@TempDir Path dir) throws Exception {
        Path pw = Files.writeString(dir.resolve("pw"), "pw\n");
        Path token = Files.writeString(dir.resolve("token"), "tok\n");
        assertThat(message(() -> RemoteWriteConfig.builder(URL).basicAuth("u", pw).bearerTokenFile(token).build()))
                .isEqualTo("remote-write takes basic auth or a bearer token, not both");
        assertThat(message(() -> RemoteWriteConfig.builder(URL).bearerTokenFile(token).header("authorization", "x").build()))
                .isEqualTo("remote-write header 'Authorization' is set by the bearer token setting; it cannot be given too");
        assertThat(message(() -> RemoteWriteConfig.builder(URL).tenant("t").header("X-Scope-OrgID", "u").build()))
                .isEqualTo("remote-write header 'X-Scope-OrgID' is set by the tenant setting; it cannot be given too");
        // without credentials an Authorization header is the caller's own
        assertThat(RemoteWriteConfig.builder(URL).header("Authorization", "Token x").build().headerNames())
                .containsExactly("Authorization");

        Path missing = dir.resolve("nope");
        assertThat(message(() -> RemoteWriteConfig.builder(URL).basicAuth("u", missing).build()))
                .isEqualTo("cannot read remote-write password file " + missing + ": no such file");
        assertThat(message(() -> RemoteWriteConfig.builder(URL).bearerTokenFile(dir).build()))
                .isEqualTo("cannot read remote-write bearer token file " + dir + ": is a directory");
        Path empty = Files.writeString(dir.resolve("empty"), "\n");
        assertThat(message(() -> RemoteWriteConfig.builder(URL).bearerTokenFile(empty).build()))
                .isEqualTo("remote-write bearer token file " + empty + " is empty");
        Path twoLines = Files.writeString(dir.resolve("two"), "tok\nen\n");
        assertThat(message(() -> RemoteWriteConfig.builder(URL).bearerTokenFile(twoLines).build()))
                .isEqualTo("remote-write bearer token file " + twoLines + " holds control characters (more than one line?)");
        Path notPem = Files.writeString(dir.resolve("ca.pem"), "not a certificate\n");
        assertThat(message(() -> RemoteWriteConfig.builder("https://h/w").caFile(notPem).build()))
                .startsWith("remote-write CA file " + notPem);
        assertThat(message(() -> RemoteWriteConfig.builder(URL).caFile(notPem).build()))
                .isEqualTo("remote-write CA file is for an https URL; this one is http");
        if (!"root".equals(System.getProperty("user.name"))) {
            Path locked = Files.writeString(dir.resolve("locked"), "x");
            Files.setPosixFilePermissions(locked, java.util.Set.of());
            assertThat(message(() -> RemoteWriteConfig.builder(URL).bearerTokenFile(locked).build()))
                    .endsWith(": permission denied");
        }
    }

    @Test
    void noSecretIsInToStringOrInAnyMessage(@TempDir Path dir) throws Exception {
        String password = "Pa55-w0rd-SECRET";
        String token = "t0ken-SECRET";
        String apiKey = "key-SECRET";
        Path pw = Files.writeString(dir.resolve("pw"), password + "\n");
        Path tok = Files.writeString(dir.resolve("tok"), token + "\n");
        Path badTok = Files.writeString(dir.resolve("badtok"), token + " with space\n");
        Path twoLines = Files.writeString(dir.resolve("two"), password + "\nmore\n");

        List<String> seen = new ArrayList<>();
        RemoteWriteConfig basic = RemoteWriteConfig.builder(URL + "?api_key=" + apiKey).basicAuth("writer", pw)
                .header("X-Api-Key", apiKey).tenant("t1").build();
        RemoteWriteConfig bearer = RemoteWriteConfig.builder(URL).bearerTokenFile(tok).build();
        seen.add(basic.toString());
        seen.add(basic.shownEndpoint());
        seen.add(bearer.toString());
        seen.add(message(() -> RemoteWriteConfig.builder(URL).bearerTokenFile(badTok).build()));
        seen.add(message(() -> RemoteWriteConfig.builder(URL).basicAuth("u", twoLines).build()));
        seen.add(message(() -> RemoteWriteConfig.builder(URL).basicAuth("u", pw).bearerTokenFile(tok).build()));
        seen.add(message(() -> RemoteWriteConfig.builder(URL).header("X-K", apiKey + "\n").build()));
        seen.add(message(() -> RemoteWriteConfig.builder("http://u:" + password + "@h/w").build()));
        seen.add(message(() -> RemoteWriteConfig.builder("http://u:" + password + "@h w/").build()));
        seen.add(new RemoteWriteClient(basic).toString());
        assertThat(basic.toString()).contains("auth=basic", "headers=[X-Api-Key]", "?…", "tenant=t1");
        for (String s : seen) {
            assertThat(s).doesNotContain("SECRET");
        }
        // the secrets do reach the request (RemoteWriteWireTest reads them there)
        assertThat(basic.requestHeaders().get("Authorization")).startsWith("Basic ");
        assertThat(bearer.requestHeaders()).containsEntry("Authorization", "Bearer " + token);
    }

    private static String message(Supplier<?> s) {
        Throwable t = catchThrowable(s::get);
        assertThat(t).isInstanceOf(IllegalArgumentException.class);
        return t.getMessage();
    }

    @Test
    void retryPolicies() {
        assertThat(RemoteWriteClient.retryDelay(0)).isEqualTo(Duration.ofMillis(100));
        assertThat(RemoteWriteClient.retryDelay(5)).isEqualTo(Duration.ofMillis(3200));
        assertThat(RemoteWriteClient.retryDelay(6)).isEqualTo(Duration.ofSeconds(5));
        assertThat(RemoteWriteClient.retryDelay(1000)).isEqualTo(Duration.ofSeconds(5));
        assertThat(PushGatewayClient.retryDelay(4)).isEqualTo(Duration.ofSeconds(1));
        assertThatThrownBy(() -> new RetryPolicy(Duration.ofSeconds(2), Duration.ofSeconds(1)))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> RetryPolicy.REMOTE_WRITE.delay(-1)).isInstanceOf(IllegalArgumentException.class);
    }
}
