package io.iperf3j.internal.engine.server;

import io.iperf3j.internal.auth.AuthToken;
import io.iperf3j.internal.auth.AuthorizedUsers;
import io.iperf3j.internal.auth.SeenTokens;
import io.iperf3j.internal.options.IperfOptions.RsaPadding;
import io.iperf3j.testing.AuthFixture;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import java.math.BigInteger;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.interfaces.RSAPublicKey;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicLong;

import static org.assertj.core.api.Assertions.assertThat;

/** AuthHostileTest's bad tokens, replays and paddings, without a server and with fixed clocks. */
class AuthCheckTest {
    private static final String USER = "mario";
    private static final String PASSWORD = "rossi";
    private static final long NOW = 1_750_000_000L;
    private static final int THRESHOLD = 10;

    @TempDir
    static Path dir;
    private static KeyPair keys;
    private static KeyPair otherKeys;
    private static Path users;

    @BeforeAll
    static void keys() throws Exception {
        keys = AuthFixture.keys();
        otherKeys = AuthFixture.keys();
        users = AuthFixture.usersFile(dir, USER, PASSWORD);
    }

    /** Each users-file check the AuthCheck made: "user/password". */
    private final List<String> usersChecks = new ArrayList<>();
    /** The replay table's monotonic clock. */
    private final AtomicLong nanos = new AtomicLong(1_000);
    /** The wall clock, in milliseconds: {@link #NOW} at a second's start; the checks read its whole seconds. */
    private final AtomicLong wallMillis = new AtomicLong(NOW * 1000);
    /** The replay table of the last {@link #check}. */
    private SeenTokens seen;

    private AuthCheck check(RsaPadding padding) {
        return check(padding, SeenTokens.DEFAULT_CAP);
    }

    private AuthCheck check(RsaPadding padding, int cap) {
        AuthorizedUsers file = new AuthorizedUsers(users);
        seen = new SeenTokens(cap, nanos::get, this::wallSeconds);
        return new AuthCheck(keys.getPrivate(), padding, (u, p) -> {
            synchronized (usersChecks) {
                usersChecks.add(u + "/" + p);
            }
            return file.accepts(u, p);
        }, THRESHOLD, this::wallSeconds, seen);
    }

    private long wallSeconds() {
        return Math.floorDiv(wallMillis.get(), 1000);
    }

    /** Both clocks move on, as a true clock does. */
    private void advance(long millis) {
        nanos.addAndGet(millis * 1_000_000L);
        wallMillis.addAndGet(millis);
    }

    /** The wall clock alone is set, forward or back. */
    private void stepWall(long millis) {
        wallMillis.addAndGet(millis);
    }

    private static String token(String user, String password, long ts) throws Exception {
        return AuthToken.encode(user, password, ts, keys.getPublic(), RsaPadding.OAEP);
    }

    private static String encrypted(String plain) throws Exception {
        return AuthFixture.encrypted(keys.getPublic(), plain);
    }

    private static String token(String user, String password, long ts, RsaPadding padding) throws Exception {
        return AuthToken.encode(user, password, ts, keys.getPublic(), padding);
    }

    private static String encrypted(RsaPadding padding, String plain) throws Exception {
        return AuthFixture.encrypted(keys.getPublic(), plain,
                padding == RsaPadding.PKCS1 ? "RSA/ECB/PKCS1Padding" : "RSA/ECB/OAEPWithSHA-1AndMGF1Padding");
    }

    /** A block raised to the key's public exponent: a ciphertext whose decryption is exactly {@code block}. */
    private static String raw(byte[] block) {
        RSAPublicKey pub = (RSAPublicKey) keys.getPublic();
        return Base64.getEncoder().encodeToString(AuthFixture.unsigned(
                new BigInteger(1, block).modPow(pub.getPublicExponent(), pub.getModulus()), 256));
    }

    @ParameterizedTest
    @EnumSource(RsaPadding.class)
    void everyFailureKindGetsTheSameAnswerAfterTheSameWorkAndTheLogSaysWhy(RsaPadding mode) throws Exception {
        byte[] random = new byte[256];
        new java.util.Random(1).nextBytes(random);
        random[0] = 0; // below the modulus: it is decrypted, and its padding is bad
        BigInteger n = ((RSAPublicKey) keys.getPublic()).getModulus();
        // the tokens that decrypt are in a padding this server takes
        RsaPadding tokenPadding = mode == RsaPadding.PKCS1 ? RsaPadding.PKCS1 : RsaPadding.OAEP;
        Map<String, String> cases = new LinkedHashMap<>();
        cases.put("no token", null);
        cases.put("empty token", "");
        cases.put("not Base64", "not base64 !!!");
        cases.put("random bytes (bad padding)", Base64.getEncoder().encodeToString(random));
        cases.put("too short for the key", Base64.getEncoder().encodeToString(new byte[10]));
        cases.put("one byte longer than the key", Base64.getEncoder().encodeToString(new byte[257]));
        cases.put("the modulus itself", Base64.getEncoder().encodeToString(AuthFixture.unsigned(n, 256)));
        cases.put("very long", "A".repeat(7000));
        // another key's ciphertext is below its own modulus, which may be above this key's: such a one is refused before it
        // is decrypted ("the modulus itself" below), so this case takes one below this key's modulus, which is decrypted
        // and fails its padding (drawn again until it is: a first version failed in the runs whose keys had this one's modulus below the other's)
        String anotherKey;
        do {
            anotherKey = AuthToken.encode(USER, PASSWORD, NOW, otherKeys.getPublic(), RsaPadding.OAEP);
        } while (new BigInteger(1, Base64.getDecoder().decode(anotherKey)).compareTo(n) >= 0);
        cases.put("another key", anotherKey);
        if (mode == RsaPadding.OAEP) {
            cases.put("valid PKCS#1 v1.5 token", AuthToken.encode(USER, PASSWORD, NOW, keys.getPublic(), RsaPadding.PKCS1));
        }
        if (mode == RsaPadding.PKCS1) {
            cases.put("valid OAEP token", AuthToken.encode(USER, PASSWORD, NOW, keys.getPublic(), RsaPadding.OAEP));
        }
        // what a Bleichenbacher attacker's lucky query decrypts to: conformant padding, random text
        java.util.Random rnd = new java.util.Random(2);
        byte[] conformant = new byte[256];
        rnd.nextBytes(conformant);
        conformant[0] = 0;
        conformant[1] = 2;
        for (int i = 2; i < 10; i++) {
            conformant[i] |= 1;
        }
        conformant[100] = 0;
        cases.put("PKCS#1-conformant random text", raw(conformant));
        byte[] garbage = new byte[100];
        rnd.nextBytes(garbage);
        cases.put("OAEP around random text", AuthFixture.encrypted(keys.getPublic(), new String(garbage, java.nio.charset.StandardCharsets.ISO_8859_1)));
        byte[] zeroLead = new byte[256];
        rnd.nextBytes(zeroLead);
        zeroLead[0] = 0;
        zeroLead[1] = 3;
        cases.put("a leading zero, neither padding", raw(zeroLead));
        cases.put("no timestamp", encrypted(tokenPadding, "user: " + USER + "\npwd:  " + PASSWORD));
        cases.put("timestamp not a number", encrypted(tokenPadding, "user: " + USER + "\npwd:  " + PASSWORD + "\nts:   abc"));
        cases.put("timestamp -2^63", encrypted(tokenPadding, "user: " + USER + "\npwd:  " + PASSWORD + "\nts:   " + Long.MIN_VALUE));
        cases.put("empty plaintext fields", encrypted(tokenPadding, "user: \npwd:  \nts:   "));
        cases.put("skew -100 s", token(USER, PASSWORD, NOW - 100, tokenPadding));
        cases.put("skew +100 s", token(USER, PASSWORD, NOW + 100, tokenPadding));
        cases.put("wrong password", token(USER, "luigi", NOW, tokenPadding));
        cases.put("unknown user", token("luigi", PASSWORD, NOW, tokenPadding));
        cases.put("password is the stored hash", token(USER, AuthorizedUsers.hexDigest(USER, PASSWORD), NOW, tokenPadding));
        AuthCheck check = check(mode);
        Map<String, String> reasons = new LinkedHashMap<>();
        for (Map.Entry<String, String> c : cases.entrySet()) {
            usersChecks.clear();
            AuthCheck.Result r = check.check(c.getValue());
            assertThat(r.accepted()).as(c.getKey()).isFalse();
            assertThat(r.user()).as(c.getKey()).isNull();
            assertThat(r.failure()).as(c.getKey()).isNotBlank();
            assertThat(usersChecks).as("%s: one users-file check, as for a right token", c.getKey()).hasSize(1);
            reasons.put(c.getKey(), r.failure());
        }
        assertThat(reasons.get("no token")).isEqualTo("no authentication token");
        assertThat(reasons.get("skew -100 s")).isEqualTo("token 100 s old, more than --time-skew-threshold 10");
        assertThat(reasons.get("skew +100 s")).isEqualTo("token 100 s in the future, more than --time-skew-threshold 10");
        assertThat(reasons.get("timestamp -2^63")).isEqualTo("token 9223372038604775808 s old, more than --time-skew-threshold 10");
        assertThat(reasons.get("unknown user")).isEqualTo("unknown user or wrong password for user luigi");
        assertThat(reasons.get("wrong password")).isEqualTo("unknown user or wrong password for user mario");
        for (String k : List.of("not Base64", "too short for the key", "one byte longer than the key", "the modulus itself",
                "very long")) {
            assertThat(reasons.get(k)).as(k).isEqualTo(
                    "bad token: not the Base64 of a 256-byte ciphertext below the key's modulus");
        }
        String label = switch (mode) {
            case OAEP -> "OAEP";
            case PKCS1 -> "PKCS#1 v1.5";
            case AUTO -> "OAEP or PKCS#1 v1.5";
        };
        for (String k : List.of("random bytes (bad padding)", "another key", "valid PKCS#1 v1.5 token", "valid OAEP token",
                "no timestamp", "timestamp not a number", "empty plaintext fields", "PKCS#1-conformant random text",
                "OAEP around random text", "a leading zero, neither padding")) {
            if (reasons.containsKey(k)) {
                assertThat(reasons.get(k)).as(k).isEqualTo("bad token: does not decrypt with " + label + " padding, or malformed");
            }
        }
        // a token that did not decrypt is checked as the stand-in user, which no line can hold
        usersChecks.clear();
        check.check("not base64 !!!");
        assertThat(usersChecks.getFirst()).startsWith("\n/");
    }

    @Test
    void skewAtTheThresholdPassesAndOneMoreFails() throws Exception {
        AuthCheck check = check(RsaPadding.OAEP);
        assertThat(check.check(token(USER, PASSWORD, NOW)).user()).isEqualTo(USER);
        assertThat(check.check(token(USER, PASSWORD, NOW - 10)).user()).isEqualTo(USER);
        assertThat(check.check(token(USER, PASSWORD, NOW + 10)).user()).isEqualTo(USER);
        assertThat(check.check(token(USER, PASSWORD, NOW - 11)).accepted()).isFalse();
        assertThat(check.check(token(USER, PASSWORD, NOW + 11)).accepted()).isFalse();
    }

    @Test
    void eitherPaddingByDefaultAndOneWithItsOption() throws Exception {
        String pkcs1 = AuthToken.encode(USER, PASSWORD, NOW, keys.getPublic(), RsaPadding.PKCS1);
        String oaep = AuthToken.encode(USER, PASSWORD, NOW, keys.getPublic(), RsaPadding.OAEP);
        AuthCheck either = check(RsaPadding.AUTO);
        assertThat(either.check(oaep).user()).isEqualTo(USER);
        assertThat(either.check(pkcs1).user()).isEqualTo(USER);
        assertThat(either.check(pkcs1).failure()).as("each once").isEqualTo("token of user mario already used (a replay)");
        assertThat(either.check(AuthToken.encode(USER, "luigi", NOW, keys.getPublic(), RsaPadding.PKCS1)).failure())
                .isEqualTo("unknown user or wrong password for user mario");
        AuthCheck oaepServer = check(RsaPadding.OAEP);
        assertThat(oaepServer.check(oaep).user()).isEqualTo(USER);
        assertThat(oaepServer.check(pkcs1).failure()).isEqualTo("bad token: does not decrypt with OAEP padding, or malformed");
        AuthCheck pkcs1Server = check(RsaPadding.PKCS1);
        assertThat(pkcs1Server.check(pkcs1).user()).isEqualTo(USER);
        assertThat(pkcs1Server.check(AuthToken.encode(USER, PASSWORD, NOW, keys.getPublic(), RsaPadding.OAEP)).failure())
                .isEqualTo("bad token: does not decrypt with PKCS#1 v1.5 padding, or malformed");
    }

    @Test
    void aTokenIsAcceptedOnceWithinItsWindow() throws Exception {
        AuthCheck check = check(RsaPadding.OAEP);
        String t = token(USER, PASSWORD, NOW);
        assertThat(check.check(t).user()).isEqualTo(USER);
        usersChecks.clear();
        AuthCheck.Result again = check.check(t);
        assertThat(again.accepted()).isFalse();
        assertThat(again.failure()).isEqualTo("token of user mario already used (a replay)");
        assertThat(usersChecks).as("a replay does the same work").hasSize(1);
        // the same bytes in another Base64 layout (line breaks) are the same token
        String wrapped = t.substring(0, 100) + "\r\n" + t.substring(100);
        assertThat(check.check(wrapped).failure()).isEqualTo("token of user mario already used (a replay)");
        // accepted at NOW.000 with ts NOW, it passes the skew check until NOW + 10.999: refused as a replay until then
        advance(THRESHOLD * 1000L + 999);
        assertThat(check.check(t).failure()).contains("already used");
        assertThat(seen.size()).isEqualTo(1);
        // then both clocks say it can no longer pass: forgotten, and the skew check refuses it
        advance(1);
        assertThat(seen.size()).as("forgotten once neither clock lets it pass").isZero();
        assertThat(check.check(t).failure()).isEqualTo("token 11 s old, more than --time-skew-threshold 10");
    }

    @Test
    void aWallClockThatStandsStillKeepsTheTokenPastItsMonotonicDeadline() throws Exception {
        AuthCheck check = check(RsaPadding.OAEP);
        String t = token(USER, PASSWORD, NOW);
        assertThat(check.check(t).user()).isEqualTo(USER);
        nanos.addAndGet(3_600_000_000_000L); // an hour on the monotonic clock, the wall clock still at NOW
        assertThat(check.check(t).failure()).as("the wall clock still lets it pass").contains("already used");
        assertThat(seen.size()).isEqualTo(1);
        // looked at again at NOW, it is held as long as a true clock from there lets it pass: 11 s
        advance(THRESHOLD * 1000L + 999);
        assertThat(seen.size()).isEqualTo(1);
        advance(1);
        assertThat(seen.size()).as("both clocks past it").isZero();
    }

    /**
     * Finding 10: a token stamped at the window's far edge passes the skew check for 2 x threshold + 1 s
     * after it is accepted, so it must be remembered as long: refused as a replay every half second
     * while it could pass, then for its skew.
     */
    @Test
    void aTokenAtTheWindowsFarEdgeIsRefusedAsAReplayUntilItCanNoLongerPassTheSkewCheck() throws Exception {
        AuthCheck check = check(RsaPadding.OAEP);
        long ts = NOW + THRESHOLD;
        String t = token(USER, PASSWORD, ts);
        assertThat(check.check(t).user()).isEqualTo(USER);
        for (int half = 1; half <= 2 * (2 * THRESHOLD + 1); half++) {
            advance(500);
            String failure = check.check(t).failure();
            if (wallSeconds() <= ts + THRESHOLD) {
                assertThat(failure).as("t + %s s", half / 2.0).isEqualTo("token of user mario already used (a replay)");
            } else {
                assertThat(half).as("the skew check refuses it from t + 21 s").isEqualTo(42);
                assertThat(failure).isEqualTo("token 11 s old, more than --time-skew-threshold 10");
            }
        }
        assertThat(seen.size()).as("past it by both clocks at t + 21 s").isZero();
    }

    /** A wall clock set back 30 s after acceptance: the token comes back into its window and is refused as a replay. */
    @Test
    void aWallClockSetBackAfterAcceptanceDoesNotMakeTheTokenGoodAgain() throws Exception {
        AuthCheck check = check(RsaPadding.OAEP);
        long ts = NOW;
        String t = token(USER, PASSWORD, ts);
        assertThat(check.check(t).user()).isEqualTo(USER);
        advance(5000);
        stepWall(-30_000); // the wall clock reads NOW - 25: the token is 25 s in its future
        int replays = 0;
        for (int half = 1; wallSeconds() <= ts + THRESHOLD + 2; half++) {
            advance(500);
            AuthCheck.Result r = check.check(t);
            assertThat(r.accepted()).as("t + 5 s + %s s after the step", half / 2.0).isFalse();
            long wall = wallSeconds();
            if (wall >= ts - THRESHOLD && wall <= ts + THRESHOLD) {
                assertThat(r.failure()).as("in its window again, wall NOW %+d s", wall - NOW)
                        .isEqualTo("token of user mario already used (a replay)");
                replays++;
            } else {
                assertThat(r.failure()).as("wall NOW %+d s", wall - NOW).contains("more than --time-skew-threshold 10");
            }
        }
        assertThat(replays).as("its whole window of 21 s, every half second").isEqualTo(42);
        assertThat(seen.size()).as("past it by both clocks").isZero();
    }

    /** A wall clock set forward after acceptance and back again: the monotonic clock keeps the token. */
    @Test
    void aWallClockSetForwardAndBackDoesNotMakeTheTokenGoodAgain() throws Exception {
        AuthCheck check = check(RsaPadding.OAEP);
        String t = token(USER, PASSWORD, NOW);
        assertThat(check.check(t).user()).isEqualTo(USER);
        advance(1000);
        stepWall(3_600_000); // an hour ahead: the wall clock says the token can no longer pass
        assertThat(check.check(t).failure()).isEqualTo("token 3601 s old, more than --time-skew-threshold 10");
        advance(1000);
        stepWall(-3_600_000); // back: NOW + 2, within the token's window, and still within its 11 s on the monotonic clock
        assertThat(check.check(t).failure()).isEqualTo("token of user mario already used (a replay)");
        advance(9000);
        assertThat(seen.size()).as("t + 11: past it by both clocks").isZero();
    }

    /**
     * Memory stays bounded: one token every half second for 100 s, stamped anywhere in the window, with
     * the wall clock set back 30 s half way; each is held at most while it could pass, and none is left after.
     */
    @Test
    void manyTokensOverALongTimeLeaveNothingBehind() throws Exception {
        AuthCheck check = check(RsaPadding.OAEP);
        int offsets = 2 * THRESHOLD + 1;
        int most = 0;
        for (int i = 0; i < 200; i++) {
            if (i == 100) {
                stepWall(-30_000);
            }
            String t = token(USER, PASSWORD, wallSeconds() - THRESHOLD + i % offsets);
            assertThat(check.check(t).user()).as("token %d", i).isEqualTo(USER);
            assertThat(check.check(t).failure()).as("token %d again", i).contains("already used");
            most = Math.max(most, seen.size());
            advance(500);
        }
        // with a true clock each is held at most 21 s (42 tokens); the step back keeps those before it 30 s more (60 tokens)
        assertThat(most).isLessThanOrEqualTo(2 * offsets + 60);
        advance((2L * THRESHOLD + 1) * 1000);
        assertThat(seen.size()).as("21 s after the last, all past both clocks").isZero();
    }

    /** The table alone, at scale: 20 000 tokens, the wall clock set back 5 s every 100, all gone in the end. */
    @Test
    void theTableAloneDrainsAfterManyBackwardSteps() {
        seen = new SeenTokens(SeenTokens.DEFAULT_CAP, nanos::get, this::wallSeconds);
        int most = 0;
        for (int i = 0; i < 20_000; i++) {
            if (i % 100 == 99) {
                stepWall(-5000);
            }
            byte[] ciphertext = BigInteger.valueOf(i).toByteArray();
            long last = wallSeconds() + i % (2 * THRESHOLD + 1);
            assertThat(seen.admit(ciphertext, last)).isEqualTo(SeenTokens.Admission.NEW);
            assertThat(seen.admit(ciphertext, last)).isEqualTo(SeenTokens.Admission.REPLAY);
            most = Math.max(most, seen.size());
            advance(100);
        }
        // the wall clock gains 5 s every 10 s: a token good for k more seconds (0 to 20) is held until the wall
        // clock passes them, about 2 (k + 1) s, 22 s on average: about 220 tokens (110 on a true clock)
        assertThat(most).isBetween(200, 300);
        // the last step came just before the last token: those before it can pass 5 s longer than 21 s after
        advance((2L * THRESHOLD + 1) * 1000);
        assertThat(seen.size()).as("still good by the wall clock").isPositive();
        advance(5000);
        assertThat(seen.size()).isZero();
    }

    @Test
    void twoTokensOfOneUserInTheSameSecondAreBothAccepted() throws Exception {
        AuthCheck check = check(RsaPadding.OAEP);
        String first = token(USER, PASSWORD, NOW);
        String second = token(USER, PASSWORD, NOW);
        assertThat(second).as("fresh OAEP randomness: another ciphertext of the same plaintext").isNotEqualTo(first);
        assertThat(check.check(first).user()).isEqualTo(USER);
        assertThat(check.check(second).user()).isEqualTo(USER);
    }

    @Test
    void aFullTableRefusesNewTokensUntilEntriesExpire() throws Exception {
        AuthCheck check = check(RsaPadding.OAEP, 2);
        String a = token(USER, PASSWORD, NOW);
        String b = token(USER, PASSWORD, NOW + 5);
        String c = token(USER, PASSWORD, NOW + 5);
        assertThat(check.check(a).user()).isEqualTo(USER);
        advance(1000);
        assertThat(check.check(b).user()).isEqualTo(USER);
        AuthCheck.Result full = check.check(c);
        assertThat(full.accepted()).isFalse();
        assertThat(full.failure()).isEqualTo(
                "replay table full (2 accepted tokens that could still pass --time-skew-threshold): token of user mario refused");
        assertThat(check.check(a).failure()).as("held tokens stay refused").contains("already used");
        assertThat(check.check(token(USER, "luigi", NOW)).failure()).as("a wrong password says so, full or not")
                .startsWith("unknown user or wrong password");
        advance(9_999); // t + 10.999: a (ts NOW) could still pass, so it is held and c is refused
        assertThat(check.check(c).failure()).startsWith("replay table full");
        advance(1); // t + 11: a can no longer pass by either clock, b (ts NOW + 5) can
        assertThat(check.check(c).user()).as("a's place is free again").isEqualTo(USER);
        assertThat(check.check(b).failure()).contains("already used");
    }

    @Test
    void manyThreadsWithOneTokenGetItAcceptedOnce() throws Exception {
        AuthCheck check = check(RsaPadding.OAEP);
        String t = token(USER, PASSWORD, NOW);
        List<String> distinct = new ArrayList<>();
        for (int i = 0; i < 8; i++) {
            distinct.add(token(USER, PASSWORD, NOW));
        }
        ExecutorService pool = Executors.newFixedThreadPool(8);
        try {
            List<Callable<AuthCheck.Result>> jobs = new ArrayList<>();
            for (int i = 0; i < 8; i++) {
                String own = distinct.get(i);
                jobs.add(() -> check.check(t));
                jobs.add(() -> check.check(own));
            }
            int sameAccepted = 0;
            int ownAccepted = 0;
            List<Future<AuthCheck.Result>> results = pool.invokeAll(jobs);
            for (int i = 0; i < results.size(); i++) {
                if (results.get(i).get().accepted()) {
                    if (i % 2 == 0) {
                        sameAccepted++;
                    } else {
                        ownAccepted++;
                    }
                }
            }
            assertThat(sameAccepted).as("one token sent by 8 threads at once").isEqualTo(1);
            assertThat(ownAccepted).as("8 tokens of one user at once").isEqualTo(8);
        } finally {
            pool.shutdownNow();
        }
    }
}
