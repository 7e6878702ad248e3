package io.iperf3j.internal.engine.server;

import io.iperf3j.internal.auth.AuthToken;
import io.iperf3j.internal.auth.AuthorizedUsers;
import io.iperf3j.internal.options.IperfOptions.RsaPadding;
import io.iperf3j.testing.AuthFixture;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.security.KeyPair;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/** AuthHostileTest's bad tokens, without a server and with a fixed clock. */
class AuthCheckTest {
    private static final String USER = "mario";
    private static final String PASSWORD = "rossi";
    private static final long NOW = 1_750_000_000L;

    @TempDir
    static Path dir;
    private static KeyPair keys;
    private static KeyPair otherKeys;
    private static AuthCheck check;

    @BeforeAll
    static void keys() throws Exception {
        keys = AuthFixture.keys();
        otherKeys = AuthFixture.keys();
        check = new AuthCheck(keys.getPrivate(), AuthFixture.usersFile(dir, USER, PASSWORD), 10, () -> NOW);
    }

    private static String token(String user, String password, long ts) throws Exception {
        return AuthToken.encode(user, password, ts, keys.getPublic(), RsaPadding.PKCS1);
    }

    private static String encrypted(String plain) throws Exception {
        return AuthFixture.encrypted(keys.getPublic(), plain);
    }

    @Test
    void everyBadTokenFailsWithItsReason() throws Exception {
        byte[] random = new byte[256];
        new java.util.Random(1).nextBytes(random);
        Map<String, String> cases = new LinkedHashMap<>();
        cases.put("no token", null);
        cases.put("empty token", "");
        cases.put("not Base64", "not base64 !!!");
        cases.put("Base64 of random bytes", Base64.getEncoder().encodeToString(random));
        cases.put("too short for the key", Base64.getEncoder().encodeToString(new byte[10]));
        cases.put("very long", "A".repeat(7000));
        cases.put("another key", AuthToken.encode(USER, PASSWORD, NOW, otherKeys.getPublic(), RsaPadding.PKCS1));
        cases.put("no timestamp", encrypted("user: " + USER + "\npwd:  " + PASSWORD));
        cases.put("timestamp not a number", encrypted("user: " + USER + "\npwd:  " + PASSWORD + "\nts:   abc"));
        cases.put("empty plaintext fields", encrypted("user: \npwd:  \nts:   "));
        cases.put("skew -100 s", token(USER, PASSWORD, NOW - 100));
        cases.put("skew +100 s", token(USER, PASSWORD, NOW + 100));
        cases.put("wrong password", token(USER, "luigi", NOW));
        cases.put("unknown user", token("luigi", PASSWORD, NOW));
        cases.put("password is the stored hash", token(USER, AuthorizedUsers.hexDigest(USER, PASSWORD), NOW));
        for (Map.Entry<String, String> c : cases.entrySet()) {
            AuthCheck.Result r = check.check(c.getValue());
            assertThat(r.accepted()).as(c.getKey()).isFalse();
            assertThat(r.user()).as(c.getKey()).isNull();
            assertThat(r.failure()).as(c.getKey()).isNotBlank();
        }
        assertThat(check.check(null).failure()).isEqualTo("no authentication token");
        assertThat(check.check(cases.get("skew -100 s")).failure())
                .isEqualTo("token 100 s old, more than --time-skew-threshold 10");
        assertThat(check.check(cases.get("skew +100 s")).failure())
                .isEqualTo("token 100 s in the future, more than --time-skew-threshold 10");
        assertThat(check.check(cases.get("unknown user")).failure())
                .isEqualTo("unknown user or wrong password for user luigi");
        assertThat(check.check(cases.get("not Base64")).failure()).startsWith("bad token: ");
    }

    @Test
    void skewAtTheThresholdPassesAndOneMoreFails() throws Exception {
        assertThat(check.check(token(USER, PASSWORD, NOW)).user()).isEqualTo(USER);
        assertThat(check.check(token(USER, PASSWORD, NOW - 10)).user()).isEqualTo(USER);
        assertThat(check.check(token(USER, PASSWORD, NOW + 10)).user()).isEqualTo(USER);
        assertThat(check.check(token(USER, PASSWORD, NOW - 11)).accepted()).isFalse();
        assertThat(check.check(token(USER, PASSWORD, NOW + 11)).accepted()).isFalse();
        String oaep = AuthToken.encode(USER, PASSWORD, NOW, keys.getPublic(), RsaPadding.OAEP);
        assertThat(check.check(oaep).user()).as("OAEP").isEqualTo(USER);
    }
}
