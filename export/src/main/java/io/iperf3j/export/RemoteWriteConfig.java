package io.iperf3j.export;

import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.AccessDeniedException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.cert.Certificate;
import java.security.cert.CertificateFactory;
import java.time.Duration;
import java.util.Base64;
import java.util.Collection;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;

/**
 * Where and how to send Prometheus remote write ({@link RemoteWriteClient}): the receiver's URL,
 * external labels, the request timeout, credentials, a tenant, extra headers and a CA bundle for
 * https. Immutable; built with {@link #builder(String)}, whose {@link Builder#build()} checks
 * everything and reads the files, so a configuration that exists can be sent with.
 *
 * <p><b>Secrets.</b> A password or bearer token is read from a file (one trailing newline, LF or
 * CRLF, is stripped), never taken as an argument: a command line shows in process lists and shell
 * histories. A URL with a user name or password in it is refused for the same reason. No secret,
 * and no extra header's value (one may be an API key), is ever in {@link #toString()}, in an
 * exception's message, or in what {@link RemoteWriteClient} reports; the endpoint is shown without
 * its query ({@link #shownEndpoint()}).
 *
 * <p>Messages of {@link IllegalArgumentException} name the setting the way the API does
 * ({@code basicAuth}, {@code caFile}); the command line maps them to its options.
 */
public final class RemoteWriteConfig {
    /** Default per-request timeout (connect plus the whole answer). */
    public static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(10);
    /** The tenant header (Cortex, Mimir, Loki, Thanos receive). */
    public static final String TENANT_HEADER = "X-Scope-OrgID";

    /**
     * Headers the client sets itself, or the JDK's HTTP client refuses to take from a caller: never an
     * extra header.
     */
    private static final Set<String> RESERVED_HEADERS = Set.of("content-type", "content-encoding", "content-length",
            "x-prometheus-remote-write-version", "user-agent", "host", "connection", "expect", "upgrade",
            "transfer-encoding", "te", "trailer", "keep-alive", "proxy-connection");

    private final URI endpoint;
    private final Map<String, String> labels;
    private final Duration timeout;
    private final String userAgent;
    private final String tenant;
    private final Map<String, String> headers;
    /** The Authorization header's value, or null: {@code Basic ...} or {@code Bearer ...}. */
    private final String authorization;
    private final String authKind;
    private final Path caFile;
    private final SSLContext sslContext;

    private RemoteWriteConfig(Builder b, String authorization, SSLContext sslContext) {
        this.endpoint = b.endpoint;
        this.labels = Collections.unmodifiableMap(new LinkedHashMap<>(b.labels));
        this.timeout = b.timeout;
        this.userAgent = b.userAgent;
        this.tenant = b.tenant;
        this.headers = Collections.unmodifiableMap(new LinkedHashMap<>(b.headers));
        this.authorization = authorization;
        this.authKind = b.username != null ? "basic" : b.tokenFile != null ? "bearer" : null;
        this.caFile = b.caFile;
        this.sslContext = sslContext;
    }

    /**
     * A builder for the receiver at {@code url}, e.g. {@code http://prometheus:9090/api/v1/write}.
     * The URL is checked by {@link Builder#build()}.
     */
    public static Builder builder(String url) {
        return new Builder(url);
    }

    /** The receiver's URL, as given (its query included). */
    public URI endpoint() {
        return endpoint;
    }

    /**
     * The endpoint as messages and {@link #toString()} show it: scheme, host, port and path, and
     * {@code ?…} for a query (a receiver may take a key there).
     */
    public String shownEndpoint() {
        return shown(endpoint);
    }

    /** External labels, put on every series that lacks a label of that name; in the order given. */
    public Map<String, String> labels() {
        return labels;
    }

    /** Per-request timeout: connecting plus the whole answer. */
    public Duration timeout() {
        return timeout;
    }

    /** The User-Agent header. */
    public String userAgent() {
        return userAgent;
    }

    /** The tenant sent as {@value #TENANT_HEADER}, if any. */
    public Optional<String> tenant() {
        return Optional.ofNullable(tenant);
    }

    /** The extra headers' names, in the order given (their values may be secrets: not shown). */
    public Set<String> headerNames() {
        return headers.keySet();
    }

    /** {@code basic}, {@code bearer}, or empty: which credentials are sent (never the credentials). */
    public Optional<String> authentication() {
        return Optional.ofNullable(authKind);
    }

    /** The CA bundle trusted for https instead of the JDK's, if one was given. */
    public Optional<Path> caFile() {
        return Optional.ofNullable(caFile);
    }

    /** Every header a request carries besides the protocol's own: auth, tenant, extras. For the client only. */
    Map<String, String> requestHeaders() {
        Map<String, String> all = new LinkedHashMap<>();
        if (authorization != null) {
            all.put("Authorization", authorization);
        }
        if (tenant != null) {
            all.put(TENANT_HEADER, tenant);
        }
        all.putAll(headers);
        return all;
    }

    /** The TLS context trusting {@link #caFile()} only; null = the JDK's default trust. For the client only. */
    SSLContext sslContext() {
        return sslContext;
    }

    @Override
    public String toString() {
        return "RemoteWriteConfig[" + shownEndpoint() + ", labels=" + labels + ", timeout=" + timeout
                + (authKind != null ? ", auth=" + authKind : "") + (tenant != null ? ", tenant=" + tenant : "")
                + (headers.isEmpty() ? "" : ", headers=" + headers.keySet())
                + (caFile != null ? ", caFile=" + caFile : "") + "]";
    }

    static String shown(URI uri) {
        StringBuilder s = new StringBuilder().append(uri.getScheme()).append("://");
        String host = uri.getHost();
        s.append(host != null && host.indexOf(':') >= 0 && !host.startsWith("[") ? "[" + host + "]" : host);
        if (uri.getPort() >= 0) {
            s.append(':').append(uri.getPort());
        }
        s.append(uri.getRawPath() == null ? "" : uri.getRawPath());
        if (uri.getRawQuery() != null) {
            s.append("?…");
        }
        return s.toString();
    }

    /**
     * Builds a {@link RemoteWriteConfig}. Setters check what they can alone; {@link #build()} checks
     * the URL, the combinations and the files. Not thread-safe.
     */
    public static final class Builder {
        private final String url;
        private URI endpoint;
        private final Map<String, String> labels = new LinkedHashMap<>();
        private Duration timeout = DEFAULT_TIMEOUT;
        private String userAgent = PushGatewayConfig.defaultUserAgent();
        private String username;
        private Path passwordFile;
        private Path tokenFile;
        private String tenant;
        private final Map<String, String> headers = new LinkedHashMap<>();
        private Path caFile;

        private Builder(String url) {
            this.url = url;
        }

        /**
         * Adds an external label: a name matching {@code [a-zA-Z_][a-zA-Z0-9_]*} that does not start with
         * {@code __} (reserved for Prometheus's own), given once, and a value that is not empty.
         */
        public Builder label(String name, String value) {
            if (name == null || !Names.isValidName(name) || name.startsWith("__")) {
                throw new IllegalArgumentException("invalid remote-write label name '" + name
                        + "': must match [a-zA-Z_][a-zA-Z0-9_]* and not start with __");
            }
            if (value == null || value.isEmpty()) {
                throw new IllegalArgumentException("remote-write label value for '" + name + "' must not be empty");
            }
            if (labels.putIfAbsent(name, value) != null) {
                throw new IllegalArgumentException("duplicate remote-write label name '" + name + "'");
            }
            return this;
        }

        /** Per-request timeout, greater than zero (default 10 s). */
        public Builder timeout(Duration timeout) {
            if (timeout == null || timeout.isZero() || timeout.isNegative()) {
                throw new IllegalArgumentException("remote-write timeout must be greater than zero");
            }
            this.timeout = timeout;
            return this;
        }

        /**
         * HTTP basic authentication: the user name, and a file holding the password (read by
         * {@link #build()}). The user name must not be empty or contain {@code :} or control characters.
         */
        public Builder basicAuth(String username, Path passwordFile) {
            if (username == null || username.isEmpty()) {
                throw new IllegalArgumentException("remote-write user name must not be empty");
            }
            if (username.indexOf(':') >= 0 || username.chars().anyMatch(Character::isISOControl)) {
                throw new IllegalArgumentException("remote-write user name must not contain ':' or control characters");
            }
            this.username = username;
            this.passwordFile = Objects.requireNonNull(passwordFile, "passwordFile");
            return this;
        }

        /** A bearer token, read from this file by {@link #build()}. */
        public Builder bearerTokenFile(Path tokenFile) {
            this.tokenFile = Objects.requireNonNull(tokenFile, "tokenFile");
            return this;
        }

        /** The tenant, sent as {@value #TENANT_HEADER}: not empty, no control characters. */
        public Builder tenant(String tenant) {
            this.tenant = headerValue("remote-write tenant", tenant);
            return this;
        }

        /**
         * An extra header (a receiver's API key, a proxy's routing header). The name must be an HTTP
         * token, given once (any case), and none the protocol sets: Content-Type, Content-Encoding,
         * Content-Length, X-Prometheus-Remote-Write-Version, User-Agent (see {@link #userAgent}), Host and
         * the connection's own; Authorization only without {@link #basicAuth}/{@link #bearerTokenFile},
         * {@value #TENANT_HEADER} only without {@link #tenant}. The value: no control characters.
         */
        public Builder header(String name, String value) {
            if (name == null || name.isEmpty() || !name.chars().allMatch(Builder::isTchar)) {
                throw new IllegalArgumentException("invalid remote-write header name '" + (name == null ? "" : name)
                        .chars().filter(c -> c >= 0x20 && c < 0x7f).collect(StringBuilder::new,
                                StringBuilder::appendCodePoint, StringBuilder::append)
                        + "': must be an HTTP token (letters, digits and !#$%&'*+-.^_`|~)");
            }
            String lower = name.toLowerCase(Locale.ROOT);
            if (RESERVED_HEADERS.contains(lower)) {
                throw new IllegalArgumentException("remote-write header '" + name + "' is set by the protocol"
                        + (lower.equals("user-agent") ? " (use the user agent setting)" : "") + "; it cannot be given");
            }
            if (headers.keySet().stream().anyMatch(n -> n.equalsIgnoreCase(name))) {
                throw new IllegalArgumentException("duplicate remote-write header '" + name + "'");
            }
            headers.put(name, headerValue("remote-write header '" + name + "'", value));
            return this;
        }

        /** A PEM file of CA certificates trusted for an https URL, instead of the JDK's (read by {@link #build()}). */
        public Builder caFile(Path caFile) {
            this.caFile = Objects.requireNonNull(caFile, "caFile");
            return this;
        }

        /** The User-Agent (default {@code iperf3j/<version>}): not empty, no control characters. */
        public Builder userAgent(String userAgent) {
            this.userAgent = headerValue("remote-write User-Agent", userAgent);
            return this;
        }

        /**
         * Checks the URL and the combinations, reads the password, token and CA files, and returns the
         * configuration.
         *
         * @throws IllegalArgumentException with a message for the user (never a secret in it): a URL that
         *         is not http/https with a host, has a fragment or a user name or password; both basic auth
         *         and a bearer token; a header that the credentials or the tenant set too; a file that
         *         cannot be read, is empty, or holds no certificate; a CA file for an http URL
         */
        public RemoteWriteConfig build() {
            endpoint = parseUrl(url);
            if (username != null && tokenFile != null) {
                throw new IllegalArgumentException("remote-write takes basic auth or a bearer token, not both");
            }
            if ((username != null || tokenFile != null) && headers.keySet().stream().anyMatch("authorization"::equalsIgnoreCase)) {
                throw new IllegalArgumentException("remote-write header 'Authorization' is set by the "
                        + (username != null ? "basic auth" : "bearer token") + " setting; it cannot be given too");
            }
            if (tenant != null && headers.keySet().stream().anyMatch(TENANT_HEADER::equalsIgnoreCase)) {
                throw new IllegalArgumentException("remote-write header '" + TENANT_HEADER
                        + "' is set by the tenant setting; it cannot be given too");
            }
            if (caFile != null && !endpoint.getScheme().equals("https")) {
                throw new IllegalArgumentException("remote-write CA file is for an https URL; this one is "
                        + endpoint.getScheme());
            }
            String authorization = null;
            if (username != null) {
                String password = secret("remote-write password file", passwordFile);
                authorization = "Basic " + Base64.getEncoder().encodeToString(
                        (username + ":" + password).getBytes(StandardCharsets.UTF_8));
            } else if (tokenFile != null) {
                String token = secret("remote-write bearer token file", tokenFile);
                if (token.chars().anyMatch(c -> c <= 0x20 || c == 0x7f)) {
                    throw new IllegalArgumentException("remote-write bearer token file " + tokenFile
                            + " holds spaces or control characters besides its last newline: not a token");
                }
                authorization = "Bearer " + token;
            }
            SSLContext ssl = caFile == null ? null : trusting(caFile);
            return new RemoteWriteConfig(this, authorization, ssl);
        }

        private static URI parseUrl(String raw) {
            if (raw == null || raw.isBlank()) {
                throw new IllegalArgumentException("remote-write URL must not be empty");
            }
            String s = raw.strip();
            URI uri;
            try {
                uri = new URI(s);
            } catch (URISyntaxException e) {
                // The reason and where, never the text: it may hold a password.
                throw new IllegalArgumentException("remote-write URL is not a valid URL: " + e.getReason()
                        + (e.getIndex() >= 0 ? " at character " + (e.getIndex() + 1) : ""));
            }
            if (uri.getRawUserInfo() != null || (uri.getRawAuthority() != null && uri.getRawAuthority().contains("@"))) {
                throw new IllegalArgumentException("remote-write URL must not hold a user name or password (a command"
                        + " line shows in process lists): give the user name and a password file instead");
            }
            String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
            if (!scheme.equals("http") && !scheme.equals("https")) {
                throw new IllegalArgumentException("remote-write URL must start with http:// or https://"
                        + (s.contains("://") ? ", not " + scheme + "://" : " (e.g. http://prometheus:9090/api/v1/write)"));
            }
            if (uri.getHost() == null || uri.getHost().isEmpty()) {
                throw new IllegalArgumentException("remote-write URL must name a host (e.g. http://prometheus:9090/api/v1/write)");
            }
            if (uri.getRawFragment() != null) {
                throw new IllegalArgumentException("remote-write URL must not have a #fragment: " + shown(uri));
            }
            if (!scheme.equals(uri.getScheme())) {
                try {
                    uri = new URI(scheme + s.substring(uri.getScheme().length()));
                } catch (URISyntaxException e) {
                    throw new IllegalStateException(e); // only the scheme's case changed
                }
            }
            return uri;
        }

        private static String secret(String what, Path file) {
            byte[] bytes = read(what, file);
            String text;
            try {
                text = StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
                        .onUnmappableCharacter(CodingErrorAction.REPORT).decode(java.nio.ByteBuffer.wrap(bytes)).toString();
            } catch (CharacterCodingException e) {
                throw new IllegalArgumentException(what + " " + file + " is not UTF-8 text");
            }
            if (text.endsWith("\r\n")) {
                text = text.substring(0, text.length() - 2);
            } else if (text.endsWith("\n")) {
                text = text.substring(0, text.length() - 1);
            }
            if (text.isEmpty()) {
                throw new IllegalArgumentException(what + " " + file + " is empty");
            }
            if (text.chars().anyMatch(c -> c < 0x20 && c != '\t' || c == 0x7f)) {
                throw new IllegalArgumentException(what + " " + file + " holds control characters (more than one line?)");
            }
            return text;
        }

        private static byte[] read(String what, Path file) {
            try {
                if (Files.isDirectory(file)) {
                    throw new IllegalArgumentException("cannot read " + what + " " + file + ": is a directory");
                }
                return Files.readAllBytes(file);
            } catch (NoSuchFileException e) {
                throw new IllegalArgumentException("cannot read " + what + " " + file + ": no such file");
            } catch (AccessDeniedException e) {
                throw new IllegalArgumentException("cannot read " + what + " " + file + ": permission denied");
            } catch (IOException e) {
                throw new IllegalArgumentException("cannot read " + what + " " + file + ": "
                        + (e.getMessage() == null ? "input/output error" : e.getMessage()));
            }
        }

        private static SSLContext trusting(Path caFile) {
            byte[] pem = read("remote-write CA file", caFile);
            Collection<? extends Certificate> certificates;
            try (InputStream in = new java.io.ByteArrayInputStream(pem)) {
                certificates = CertificateFactory.getInstance("X.509").generateCertificates(in);
            } catch (GeneralSecurityException | IOException e) {
                throw new IllegalArgumentException("remote-write CA file " + caFile + " is not a PEM certificate bundle");
            }
            if (certificates.isEmpty()) {
                throw new IllegalArgumentException("remote-write CA file " + caFile + " holds no certificate");
            }
            try {
                KeyStore trust = KeyStore.getInstance(KeyStore.getDefaultType());
                trust.load(null, null);
                int i = 0;
                for (Certificate c : certificates) {
                    trust.setCertificateEntry("ca-" + i++, c);
                }
                TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
                tmf.init(trust);
                SSLContext ssl = SSLContext.getInstance("TLS");
                ssl.init(null, tmf.getTrustManagers(), null);
                return ssl;
            } catch (GeneralSecurityException | IOException e) {
                throw new IllegalStateException("TLS trust from " + caFile + " could not be set up", e);
            }
        }

        private static String headerValue(String what, String value) {
            if (value == null || value.isEmpty()) {
                throw new IllegalArgumentException(what + " must not be empty");
            }
            if (value.chars().anyMatch(c -> c < 0x20 && c != '\t' || c == 0x7f)) {
                throw new IllegalArgumentException(what + " must not contain control characters");
            }
            return value;
        }

        /** RFC 9110's tchar. */
        private static boolean isTchar(int c) {
            return c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || "!#$%&'*+-.^_`|~".indexOf(c) >= 0;
        }
    }
}
