package io.iperf3j.server;

import io.iperf3j.internal.auth.AuthToken;
import io.iperf3j.internal.auth.AuthorizedUsers;
import io.iperf3j.internal.options.IperfOptions.RsaPadding;
import io.iperf3j.testing.AuthFixture;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Bad authentication tokens (the CVE-2025-54350 class: iperf3's token parsing read
 * out of bounds) against an iperf3j {@code -1} server that requires
 * authentication. Each gets exactly iperf3 3.12's denial (SERVER_ERROR, then only
 * the int32 142, then the close), a {@code result=denied} log line with the
 * reason, and none uses up {@code -1}: a right token afterwards is still served.
 */
@Timeout(60)
class AuthHostileTest {
    private static final String USER = "mario";
    private static final String PASSWORD = "rossi";
    /** SERVER_ERROR, IEAUTHTEST (142), errno 0. */
    private static final byte[] DENIAL = {(byte) 0xFE, 0, 0, 0, (byte) 142, 0, 0, 0, 0};

    @TempDir
    static Path dir;
    private static KeyPair keys;
    private static KeyPair otherKeys;
    private static Path privateKey;
    private static Path users;

    @BeforeAll
    static void keys() throws Exception {
        keys = AuthFixture.keys();
        otherKeys = AuthFixture.keys();
        privateKey = dir.resolve("private.pem");
        Files.writeString(privateKey, "-----BEGIN PRIVATE KEY-----\n"
                + Base64.getMimeEncoder(64, "\n".getBytes(StandardCharsets.US_ASCII)).encodeToString(keys.getPrivate().getEncoded())
                + "\n-----END PRIVATE KEY-----\n");
        users = AuthFixture.usersFile(dir, USER, PASSWORD);
    }

    private static long now() {
        return System.currentTimeMillis() / 1000;
    }

    private static String token(String user, String password, long ts, RsaPadding padding) throws Exception {
        return AuthToken.encode(user, password, ts, keys.getPublic(), padding);
    }

    /** RSA-encrypts any plaintext with the server's key, as a token. */
    private static String encrypted(String plain) throws Exception {
        return AuthFixture.encrypted(keys.getPublic(), plain);
    }

    private static String encrypted(String plain, String transformation) throws Exception {
        return AuthFixture.encrypted(keys.getPublic(), plain, transformation);
    }

    private static String params(String tokenMember) {
        return "{\"tcp\":true,\"omit\":0,\"time\":1,\"num\":0,\"blockcount\":0,\"parallel\":1,\"len\":131072,"
                + "\"pacing_timer\":1000" + (tokenMember == null ? "" : "," + tokenMember) + ",\"client_version\":\"3.12\"}";
    }

    private static String quoted(String token) {
        return "\"authtoken\":\"" + token + "\"";
    }

    @Test
    void badTokensAreDeniedAsIperf3DoesAndDoNotUseUpOneOff() throws Exception {
        byte[] random = new byte[256];
        new java.util.Random(1).nextBytes(random);
        Map<String, String> cases = new LinkedHashMap<>();
        cases.put("no token", null);
        cases.put("empty token", quoted(""));
        cases.put("not Base64", quoted("not base64 !!!"));
        cases.put("Base64 of random bytes", quoted(Base64.getEncoder().encodeToString(random)));
        cases.put("too short for the key", quoted(Base64.getEncoder().encodeToString(new byte[10])));
        cases.put("very long", quoted("A".repeat(7000)));
        cases.put("another key", quoted(AuthToken.encode(USER, PASSWORD, now(), otherKeys.getPublic(), RsaPadding.OAEP)));
        cases.put("PKCS#1 v1.5 token without a timestamp", quoted(encrypted("user: " + USER + "\npwd:  " + PASSWORD,
                "RSA/ECB/PKCS1Padding")));
        cases.put("PKCS#1 v1.5 token, wrong password", quoted(token(USER, "luigi", now(), RsaPadding.PKCS1)));
        cases.put("no timestamp", quoted(encrypted("user: " + USER + "\npwd:  " + PASSWORD)));
        cases.put("timestamp not a number", quoted(encrypted("user: " + USER + "\npwd:  " + PASSWORD + "\nts:   abc")));
        cases.put("empty plaintext fields", quoted(encrypted("user: \npwd:  \nts:   ")));
        cases.put("skew -100 s", quoted(token(USER, PASSWORD, now() - 100, RsaPadding.OAEP)));
        cases.put("skew +100 s", quoted(token(USER, PASSWORD, now() + 100, RsaPadding.OAEP)));
        cases.put("wrong password", quoted(token(USER, "luigi", now(), RsaPadding.OAEP)));
        cases.put("unknown user", quoted(token("luigi", PASSWORD, now(), RsaPadding.OAEP)));
        cases.put("password is the stored hash", quoted(token(USER, AuthorizedUsers.hexDigest(USER, PASSWORD), now(),
                RsaPadding.OAEP)));

        try (TestServer server = new TestServer(TestServer.quick(), "-1", "--rsa-private-key-path", privateKey.toString(),
                "--authorized-users-path", users.toString())) {
            List<String> failures = new ArrayList<>();
            for (Map.Entry<String, String> c : cases.entrySet()) {
                try (RawPeer p = RawPeer.atParameters(server.port())) {
                    p.writeJson(params(c.getValue()));
                    byte[] answer = p.readToEof(2000);
                    if (!java.util.Arrays.equals(answer, DENIAL)) {
                        failures.add(c.getKey() + ": " + java.util.Arrays.toString(answer));
                    }
                }
                server.awaitIdle(Duration.ofSeconds(2));
            }
            assertThat(failures).as("cases not denied exactly as iperf3 3.12; log:\n%s", server.log()).isEmpty();
            assertThat(server.served).as("the -1 server still waits").isNotDone();
            assertThat(server.logLines()).filteredOn(l -> l.contains("result=denied")).hasSize(cases.size());
            // (100 s, plus the seconds that tick between making a token and checking it on a busy machine)
            assertThat(server.log()).containsPattern("reason=\"test authorization failed \\(token 10[0-9] s old, more than")
                    .containsPattern("\\(token (9[0-9]|100) s in the future, more than")
                    .contains("unknown user or wrong password for user luigi", "reason=\"test authorization failed (no authentication token)");

            // A right token (skew within the threshold) is served, and that uses up -1.
            try (RawPeer p = RawPeer.atParameters(server.port())) {
                p.writeJson(params(quoted(token(USER, PASSWORD, now() + 5, RsaPadding.OAEP))));
                assertThat(p.readByte(2000)).as("CREATE_STREAMS").isEqualTo(RawPeer.CREATE_STREAMS);
            }
            server.served.get(5, TimeUnit.SECONDS);
            assertThat(server.logLines()).anyMatch(l -> l.contains("event=start") && l.contains("user=" + USER));
        }
    }

    /**
     * Either padding by default (issue 66); PKCS#1 v1.5 only with {@code --use-pkcs1-padding}, as iperf3 3.17+;
     * OAEP only with {@code --use-oaep-padding}, as a 3.17+ server without options.
     */
    @Test
    void aServerTakesEitherPaddingOrTheOneItsOptionNames() throws Exception {
        for (RsaPadding serverPadding : List.of(RsaPadding.AUTO, RsaPadding.OAEP, RsaPadding.PKCS1)) {
            List<String> args = new ArrayList<>(List.of("--rsa-private-key-path", privateKey.toString(),
                    "--authorized-users-path", users.toString()));
            switch (serverPadding) {
                case PKCS1 -> args.add("--use-pkcs1-padding");
                case OAEP -> args.add("--use-oaep-padding");
                case AUTO -> { }
            }
            try (TestServer server = new TestServer(TestServer.quick(), args.toArray(String[]::new))) {
                for (RsaPadding padding : List.of(RsaPadding.PKCS1, RsaPadding.OAEP)) {
                    try (RawPeer p = RawPeer.atParameters(server.port())) {
                        p.writeJson(params(quoted(token(USER, PASSWORD, now(), padding))));
                        if (serverPadding == RsaPadding.AUTO || padding == serverPadding) {
                            assertThat(p.readByte(2000)).as("CREATE_STREAMS: %s server, %s token", serverPadding, padding)
                                    .isEqualTo(RawPeer.CREATE_STREAMS);
                        } else {
                            assertThat(p.readToEof(2000)).as("%s server, %s token", serverPadding, padding)
                                    .isEqualTo(DENIAL);
                        }
                    }
                }
                server.awaitIdle(Duration.ofSeconds(5));
                if (serverPadding != RsaPadding.AUTO) {
                    String other = serverPadding == RsaPadding.OAEP ? "OAEP" : "PKCS#1 v1.5";
                    assertThat(server.log()).contains("does not decrypt with " + other + " padding");
                } else {
                    assertThat(server.logLines()).filteredOn(l -> l.contains("user=" + USER) && l.contains("event=start")).hasSize(2);
                }
            }
        }
    }

    /**
     * The same token twice over real sockets (as a listener on the path, or a fake server that
     * collected it, would send it): the first is served, the second gets the same denial as any bad
     * token, and the log says it was a replay. Another token of the same user, made in the same
     * second, is served.
     */
    @Test
    void aReplayedTokenIsDeniedAndAFreshOneOfTheSameUserIsServed() throws Exception {
        try (TestServer server = new TestServer(TestServer.quick(), "--rsa-private-key-path", privateKey.toString(),
                "--authorized-users-path", users.toString())) {
            long ts = now();
            String token = token(USER, PASSWORD, ts, RsaPadding.OAEP);
            try (RawPeer p = RawPeer.atParameters(server.port())) {
                p.writeJson(params(quoted(token)));
                assertThat(p.readByte(2000)).as("CREATE_STREAMS").isEqualTo(RawPeer.CREATE_STREAMS);
            }
            try (RawPeer p = RawPeer.atParameters(server.port())) {
                p.writeJson(params(quoted(token)));
                assertThat(p.readToEof(2000)).as("the replay").isEqualTo(DENIAL);
            }
            try (RawPeer p = RawPeer.atParameters(server.port())) {
                p.writeJson(params(quoted(token(USER, PASSWORD, ts, RsaPadding.OAEP))));
                assertThat(p.readByte(2000)).as("a fresh token of the same user and second").isEqualTo(RawPeer.CREATE_STREAMS);
            }
            server.awaitIdle(Duration.ofSeconds(5));
            assertThat(server.log()).contains("token of user mario already used (a replay)");
        }
    }
}
