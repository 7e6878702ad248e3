package io.iperf3j.cli;

import io.iperf3j.testing.FreePorts;
import io.iperf3j.testing.Iperf3Binary;
import io.iperf3j.testing.Iperf3Process;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import static io.iperf3j.testing.Async.async;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Authentication against the real iperf3 3.12, both ways, through the command line
 * as a user runs it (password from {@code IPERF3_PASSWORD}, keys made by
 * {@code openssl}): a right password passes, a wrong one gets "test authorization
 * failed", and a denied attempt does not use up a {@code -1} server. 3.12 speaks
 * only PKCS#1 v1.5 and denies an OAEP token ({@code --use-oaep-padding}); 3.21 pads with
 * OAEP by default and refuses PKCS#1 v1.5 unless run with {@code --use-pkcs1-padding}.
 * iperf3j's client without a padding flag sends OAEP, then PKCS#1 v1.5 once if denied. iperf3j's
 * server takes either padding without options (one port for 3.12 and 3.21 clients, issue 66), one
 * only with {@code --use-pkcs1-padding} or {@code --use-oaep-padding}, and serves a token once.
 */
@Tag("peer")
@Timeout(120)
class AuthInteropTest {
    private static final String IPERF3 = Iperf3Binary.PATH.toString();

    @TempDir
    static Path dir;
    private static Path privateKey;
    private static Path publicKey;
    private static Path users;

    @BeforeAll
    static void keys() throws Exception {
        privateKey = dir.resolve("private.pem");
        publicKey = dir.resolve("public.pem");
        users = dir.resolve("users.csv");
        exec(List.of("openssl", "genrsa", "-out", privateKey.toString(), "2048"));
        exec(List.of("openssl", "rsa", "-in", privateKey.toString(), "-pubout", "-out", publicKey.toString()));
        String digest = HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256")
                .digest("{mario}rossi".getBytes(StandardCharsets.UTF_8)));
        Files.writeString(users, "mario," + digest + "\n");
    }

    private static void exec(List<String> cmd) throws Exception {
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.waitFor(30, TimeUnit.SECONDS)).isTrue();
        assertThat(p.exitValue()).as("%s: %s", cmd, out).isZero();
    }

    /** A finished process: exit status and everything it printed. */
    record Ran(int status, String output) {
    }

    private static Ran run(List<String> cmd, String password) throws Exception {
        ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true);
        pb.environment().put("IPERF3_PASSWORD", password);
        Process p = pb.start();
        CompletableFuture<String> out = async(() -> {
            try {
                return new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            } catch (IOException e) {
                return e.toString();
            }
        });
        if (!p.waitFor(30, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            throw new AssertionError("did not finish: " + cmd);
        }
        return new Ran(p.exitValue(), out.get());
    }

    /** iperf3j's command in a JVM of its own, so it reads IPERF3_PASSWORD as a user's would. */
    private static List<String> ourClient(int port, String... extra) {
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        List<String> cmd = new ArrayList<>(List.of(java, "--enable-native-access=ALL-UNNAMED", "-cp",
                System.getProperty("java.class.path"), Main.class.getName(), "-c", "127.0.0.1", "-p",
                Integer.toString(port), "-t", "1", "--username", "mario", "--rsa-public-key-path", publicKey.toString()));
        cmd.addAll(List.of(extra));
        return cmd;
    }

    private static List<String> realClient(int port) {
        return realClient(IPERF3, port);
    }

    private static List<String> realClient(String binary, int port, String... extra) {
        List<String> cmd = new ArrayList<>(List.of(binary, "-c", "127.0.0.1", "-p", Integer.toString(port), "-t", "1",
                "--username", "mario", "--rsa-public-key-path", publicKey.toString()));
        cmd.addAll(List.of(extra));
        return cmd;
    }

    private static Process realServer(int port) throws Exception {
        return realServer(IPERF3, port, "-1");
    }

    private static Process realServer(String binary, int port, String... extra) throws Exception {
        List<String> cmd = new ArrayList<>(List.of(binary, "-s", "-p", Integer.toString(port),
                "--rsa-private-key-path", privateKey.toString(), "--authorized-users-path", users.toString()));
        cmd.addAll(List.of(extra));
        Process p = new ProcessBuilder(cmd)
                .redirectErrorStream(true).redirectOutput(dir.resolve("real-server-" + port + ".out").toFile()).start();
        long deadline = System.nanoTime() + 10_000_000_000L;
        while (!listening(port)) {
            assertThat(p.isAlive()).as("iperf3 server running").isTrue();
            assertThat(System.nanoTime()).as("iperf3 listens").isLessThan(deadline);
            Thread.sleep(20);
        }
        return p;
    }

    /** Polls /proc/net/tcp{,6} (connecting would use up -1). */
    private static boolean listening(int port) throws IOException {
        String hex = String.format(":%04X", port);
        for (String f : List.of("/proc/net/tcp", "/proc/net/tcp6")) {
            for (String line : Files.readAllLines(Path.of(f))) {
                String[] cols = line.trim().split("\\s+");
                if (cols.length > 3 && cols[1].endsWith(hex) && cols[3].equals("0A")) {
                    return true;
                }
            }
        }
        return false;
    }

    @Test
    void ourClientAgainstRealIperf3Server() throws Exception {
        int port = FreePorts.next();
        Process server = realServer(port);
        try {
            Ran wrong = run(ourClient(port), "luigi");
            assertThat(wrong.status()).isEqualTo(1);
            assertThat(wrong.output()).contains("iperf3j: error - test authorization failed");
            Ran oaep = run(ourClient(port, "--use-oaep-padding"), "rossi");
            assertThat(oaep.output()).as("3.12 accepts only PKCS#1 v1.5 tokens")
                    .contains("iperf3j: error - test authorization failed");
            assertThat(server.isAlive()).as("the denied attempts left the -1 server waiting").isTrue();
            Ran right = run(ourClient(port), "rossi");
            assertThat(right.status()).as(right.output()).isZero();
            assertThat(right.output()).contains("receiver", "iperf Done.");
            assertThat(server.waitFor(10, TimeUnit.SECONDS)).as("the served test used up -1").isTrue();
        } finally {
            server.destroyForcibly();
        }
    }

    /**
     * iperf3 3.21 pads with OAEP by default, and a 3.21 server refuses a PKCS#1 v1.5 token by
     * closing the connection. iperf3j's client with neither padding flag sends OAEP first and,
     * if the server denies it, PKCS#1 v1.5 once more, so it gets in with both generations.
     */
    @Test
    void ourClientAgainstIperf3_21ServersOfBothPaddings() throws Exception {
        Iperf3Binary.V3_21.requireThis();
        String iperf321 = Iperf3Binary.V3_21.path.toString();
        int port = FreePorts.next();
        Process server = realServer(iperf321, port, "-1");
        try {
            Ran auto = run(ourClient(port), "rossi");
            assertThat(auto.status()).as(auto.output()).isZero();
            assertThat(auto.output()).contains("receiver", "iperf Done.");
            assertThat(auto.output().lines().filter(l -> l.startsWith("Connecting to host")))
                    .as("OAEP first: one connection").hasSize(1);
            assertThat(server.waitFor(10, TimeUnit.SECONDS)).as("the served test used up -1").isTrue();
        } finally {
            server.destroyForcibly();
        }
        // Not -1 from here: a 3.21 -1 server exits on a token it cannot decrypt.
        int port2 = FreePorts.next();
        Process oaepServer = realServer(iperf321, port2);
        try {
            Ran pkcs1 = run(ourClient(port2, "--use-pkcs1-padding"), "rossi");
            assertThat(pkcs1.status()).as("3.21 refuses PKCS#1 v1.5 by default\n%s", pkcs1.output()).isEqualTo(1);
            assertThat(pkcs1.output()).contains("iperf3j: error - control socket has closed unexpectedly");
        } finally {
            oaepServer.destroyForcibly();
        }
        int port3 = FreePorts.next();
        Process pkcs1Server = realServer(iperf321, port3, "--use-pkcs1-padding");
        try {
            Ran auto = run(ourClient(port3), "rossi");
            assertThat(auto.status()).as(auto.output()).isZero();
            assertThat(auto.output()).contains("receiver", "iperf Done.");
            assertThat(auto.output().lines().filter(l -> l.startsWith("Connecting to host")))
                    .as("OAEP refused, then PKCS#1 v1.5: two connections").hasSize(2);
        } finally {
            pkcs1Server.destroyForcibly();
        }
    }

    @Test
    void iperf3_21ClientsOfBothPaddingsAgainstOurServer() throws Exception {
        Iperf3Binary.V3_21.requireThis();
        String iperf321 = Iperf3Binary.V3_21.path.toString();
        record Case(String password, String[] extra, boolean passes) {
        }
        // 3.21's client always pads with OAEP (its --use-pkcs1-padding is a server option).
        for (Case c : List.of(new Case("rossi", new String[0], true), new Case("luigi", new String[0], false))) {
            int port = FreePorts.next();
            ByteArrayOutputStream err = new ByteArrayOutputStream();
            Main main = new Main(new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8),
                    new PrintStream(err, true, StandardCharsets.UTF_8), Map.of());
            CompletableFuture<Integer> serving = async(() -> main.run(new String[] {"-s", "-1", "-p",
                    Integer.toString(port), "--rsa-private-key-path", privateKey.toString(), "--authorized-users-path",
                    users.toString()}));
            try {
                long deadline = System.nanoTime() + 10_000_000_000L;
                while (!listening(port)) {
                    assertThat(System.nanoTime()).as("iperf3j listens; %s", err).isLessThan(deadline);
                    Thread.sleep(20);
                }
                List<String> cmd = realClient(iperf321, port, c.extra());
                Ran ran = run(cmd, c.password());
                if (c.passes()) {
                    assertThat(ran.status()).as("%s\n%s", cmd, ran.output()).isZero();
                    assertThat(ran.output()).contains("receiver", "iperf Done.");
                    assertThat(serving.get(10, TimeUnit.SECONDS)).as("the -1 server exits 0 after its test").isZero();
                } else {
                    assertThat(ran.status()).as(ran.output()).isNotZero();
                    assertThat(ran.output()).contains("iperf3: error - test authorization failed");
                    // 3.21 reads an errno after the code; without one it printed "errno: Unknown
                    // error 142" (the code, left in its variable at EOF).
                    assertThat(ran.output()).as("3.21's SERVER_ERROR line, with errno 0")
                            .contains("iperf3: SERVER ERROR - test authorization failed\n")
                            .doesNotContain("errno:");
                }
            } finally {
                // A -1 server still waiting (the denied case) is a daemon thread; it ends with this JVM.
                serving.cancel(true);
            }
        }
    }

    /**
     * 3.12 pads its token with PKCS#1 v1.5: its ciphertext, decrypted without unpadding, starts
     * 00 02, then nonzero random bytes, a 00 and the credentials. 3.21's starts 00 and a masked
     * seed (OAEP) and shows no plaintext. So an iperf3j server with {@code --use-oaep-padding}
     * (what a 3.17+ iperf3 server does without options) denies 3.12's token.
     */
    @Test
    void iperf3_12PadsWithPkcs1AndAnOaepOnlyServerDeniesIt() throws Exception {
        byte[] raw = rsaWithoutPadding(collectToken(IPERF3));
        assertThat(raw[0]).isZero();
        assertThat(raw[1]).as("PKCS#1 v1.5 block type 2").isEqualTo((byte) 2);
        String tail = new String(raw, StandardCharsets.ISO_8859_1);
        assertThat(tail).contains("\0user: mario\npwd:  rossi\nts:   ");
        if (Iperf3Binary.V3_21.path.toFile().canExecute()) {
            byte[] oaep = rsaWithoutPadding(collectToken(Iperf3Binary.V3_21.path.toString()));
            assertThat(oaep[0]).isZero();
            assertThat(new String(oaep, StandardCharsets.ISO_8859_1)).as("3.21: OAEP, no plaintext in sight")
                    .doesNotContain("user: ");
        }
        int port = FreePorts.next();
        try (Iperf3Process server = CommandProcess.start(List.of("-s", "-p", Integer.toString(port), "--server-log",
                "--rsa-private-key-path", privateKey.toString(), "--authorized-users-path", users.toString(),
                "--use-oaep-padding"))) {
            assertThat(server.awaitListening(port, java.time.Duration.ofSeconds(20))).as(server.stderr()).isTrue();
            Ran denied = run(realClient(port), "rossi");
            assertThat(denied.status()).as(denied.output()).isNotZero();
            assertThat(denied.output()).contains("iperf3: error - test authorization failed");
            assertThat(server.awaitStderr("does not decrypt with OAEP padding", java.time.Duration.ofSeconds(10)))
                    .as(server.stderr()).isTrue();
        }
    }

    /**
     * Issue 66: one iperf3j server, started as a user starts it and with no padding option, serves
     * real 3.12 clients (PKCS#1 v1.5) and 3.21 clients (OAEP) on one port, and iperf3j's client with
     * either padding; a wrong password in either padding gets iperf3's "test authorization failed".
     */
    @Test
    void oneServerWithoutOptionsServesIperf3_12And3_21Clients() throws Exception {
        Iperf3Binary.V3_21.requireThis();
        String iperf321 = Iperf3Binary.V3_21.path.toString();
        int port = FreePorts.next();
        try (Iperf3Process server = CommandProcess.start(List.of("-s", "-p", Integer.toString(port), "--server-log",
                "--rsa-private-key-path", privateKey.toString(), "--authorized-users-path", users.toString()))) {
            assertThat(server.awaitListening(port, java.time.Duration.ofSeconds(20))).as(server.stderr()).isTrue();
            for (String binary : List.of(IPERF3, iperf321)) {
                Ran right = run(realClient(binary, port), "rossi");
                assertThat(right.status()).as("%s\n%s", binary, right.output()).isZero();
                assertThat(right.output()).contains("receiver", "iperf Done.");
                Ran wrong = run(realClient(binary, port), "luigi");
                assertThat(wrong.status()).as("%s\n%s", binary, wrong.output()).isNotZero();
                assertThat(wrong.output()).contains("iperf3: error - test authorization failed");
            }
            for (String padding : List.of("--use-pkcs1-padding", "--use-oaep-padding")) {
                Ran ours = run(ourClient(port, padding), "rossi");
                assertThat(ours.status()).as("%s\n%s", padding, ours.output()).isZero();
                assertThat(ours.output().lines().filter(l -> l.startsWith("Connecting to host"))).as(padding).hasSize(1);
            }
            assertThat(server.awaitStderr("unknown user or wrong password for user mario", java.time.Duration.ofSeconds(10)))
                    .as(server.stderr()).isTrue();
            long started = server.stderr().lines().filter(l -> l.contains("event=start") && l.contains("user=mario")).count();
            assertThat(started).as("3.12, 3.21 and iperf3j's two paddings served\n%s", server.stderr()).isEqualTo(4);
            assertThat(server.stderr().lines().filter(l -> l.contains("result=denied"))).as(server.stderr()).hasSize(2);
        }
    }

    @Test
    void realIperf3ClientAgainstOurServer() throws Exception {
        int port = FreePorts.next();
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        Main main = new Main(new PrintStream(out, true, StandardCharsets.UTF_8), new PrintStream(err, true,
                StandardCharsets.UTF_8), Map.of());
        CompletableFuture<Integer> serving = async(() -> main.run(new String[] {"-s", "-1", "-p",
                Integer.toString(port), "--server-log", "--rsa-private-key-path", privateKey.toString(),
                "--authorized-users-path", users.toString(), "--use-pkcs1-padding"}));
        try {
            long deadline = System.nanoTime() + 10_000_000_000L;
            while (!listening(port)) {
                assertThat(System.nanoTime()).as("iperf3j listens; %s", err).isLessThan(deadline);
                Thread.sleep(20);
            }
            for (String password : List.of("luigi", "", "Rossi")) {
                Ran wrong = run(realClient(port), password);
                assertThat(wrong.status()).as(wrong.output()).isNotZero();
                assertThat(wrong.output()).contains("iperf3: error - test authorization failed");
            }
            assertThat(serving).as("denied attempts do not use up -1").isNotDone();
            Ran right = run(realClient(port), "rossi");
            assertThat(right.status()).as(right.output()).isZero();
            assertThat(right.output()).contains("receiver", "iperf Done.");
            assertThat(serving.get(10, TimeUnit.SECONDS)).as("the -1 server exits 0 after its test").isZero();
            String log = err.toString(StandardCharsets.UTF_8);
            assertThat(log.lines().filter(l -> l.contains("result=denied"))).hasSize(3);
            assertThat(log).contains("iperf3j: error - test authorization failed",
                    "unknown user or wrong password for user mario", "event=start", "user=mario", "result=ok");
        } finally {
            // On failure the -1 server may still wait; its thread is a daemon and ends with this JVM.
            serving.cancel(true);
        }
    }

    /**
     * A real 3.21 client's token, collected by a fake server (this test's), relayed twice to an
     * iperf3j server run as a process: the first relay is served (iperf3's protocol has no server
     * challenge, so a token never used is as good as the client's), the second is denied with the
     * same answer as any bad token, and the operator log names the replay.
     */
    @Test
    void aRealClientsTokenIsServedOnceAndItsReplayDenied() throws Exception {
        Iperf3Binary.V3_21.requireThis();
        String params = collectParameters(Iperf3Binary.V3_21.path.toString());
        int port = FreePorts.next();
        try (Iperf3Process server = CommandProcess.start(List.of("-s", "-p", Integer.toString(port), "--server-log",
                "--rsa-private-key-path", privateKey.toString(), "--authorized-users-path", users.toString()))) {
            assertThat(server.awaitListening(port, java.time.Duration.ofSeconds(20))).as(server.stderr()).isTrue();
            assertThat(sendParameters(port, params)).as("the first relay: CREATE_STREAMS").startsWith((byte) 10);
            assertThat(sendParameters(port, params)).as("the replay: SERVER_ERROR, test authorization failed (142)")
                    .containsExactly((byte) 0xFE, 0, 0, 0, (byte) 142, 0, 0, 0, 0);
            assertThat(server.awaitStderr("token of user mario already used (a replay)", java.time.Duration.ofSeconds(10)))
                    .as(server.stderr()).isTrue();
            Ran fresh = run(realClient(Iperf3Binary.V3_21.path.toString(), port), "rossi");
            assertThat(fresh.status()).as("the client's own next test, with a fresh token\n%s", fresh.output()).isZero();
        }
    }

    /** The authtoken a real client sends, taken by a fake server (the client then fails). */
    private static String collectToken(String binary) throws Exception {
        String params = collectParameters(binary);
        int at = params.indexOf("\"authtoken\":\"") + 13;
        return params.substring(at, params.indexOf('"', at));
    }

    /** The parameters JSON a real client sends: its cookie read, PARAM_EXCHANGE sent, the JSON read. */
    private static String collectParameters(String binary) throws Exception {
        try (java.net.ServerSocket fake = new java.net.ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            fake.setSoTimeout(20_000);
            ProcessBuilder pb = new ProcessBuilder(realClient(binary, fake.getLocalPort())).redirectErrorStream(true)
                    .redirectOutput(ProcessBuilder.Redirect.DISCARD);
            pb.environment().put("IPERF3_PASSWORD", "rossi");
            Process client = pb.start();
            client.getOutputStream().close();
            try (java.net.Socket s = fake.accept()) {
                s.setSoTimeout(20_000);
                java.io.DataInputStream in = new java.io.DataInputStream(s.getInputStream());
                in.readFully(new byte[37]);
                s.getOutputStream().write(9); // PARAM_EXCHANGE
                byte[] json = new byte[in.readInt()];
                in.readFully(json);
                return new String(json, StandardCharsets.UTF_8);
            } finally {
                client.destroyForcibly();
            }
        }
    }

    /** Sends a cookie and these parameters as a client would; returns what the server answered until it closed or 2 s. */
    private static byte[] sendParameters(int port, String params) throws Exception {
        try (java.net.Socket s = new java.net.Socket(java.net.InetAddress.getLoopbackAddress(), port)) {
            s.setSoTimeout(5_000);
            byte[] cookie = new byte[37]; // a cookie of its own: another test's would join that test as a stream
            java.util.concurrent.ThreadLocalRandom r = java.util.concurrent.ThreadLocalRandom.current();
            for (int i = 0; i < 36; i++) {
                cookie[i] = (byte) ('a' + r.nextInt(26));
            }
            java.io.DataOutputStream out = new java.io.DataOutputStream(s.getOutputStream());
            out.write(cookie);
            assertThat(s.getInputStream().read()).as("PARAM_EXCHANGE").isEqualTo(9);
            byte[] json = params.getBytes(StandardCharsets.UTF_8);
            out.writeInt(json.length);
            out.write(json);
            out.flush();
            java.io.ByteArrayOutputStream answer = new java.io.ByteArrayOutputStream();
            s.setSoTimeout(2_000);
            byte[] buf = new byte[64];
            try {
                for (int n; (n = s.getInputStream().read(buf)) > 0; ) {
                    answer.write(buf, 0, n);
                    if (buf[0] == 10) {
                        break; // CREATE_STREAMS: served
                    }
                }
            } catch (java.net.SocketTimeoutException e) {
                // what came is the answer
            }
            return answer.toByteArray();
        }
    }

    /** The RSA operation alone (no unpadding): what the client padded, to see which padding it used. */
    private static byte[] rsaWithoutPadding(String token) throws Exception {
        String pem = Files.readString(privateKey);
        assertThat(pem).as("openssl 3's genrsa writes PKCS#8").contains("-----BEGIN PRIVATE KEY-----");
        String body = pem.replaceAll("-----[A-Z ]+-----", "").replaceAll("\\s", "");
        java.security.PrivateKey key = java.security.KeyFactory.getInstance("RSA")
                .generatePrivate(new java.security.spec.PKCS8EncodedKeySpec(java.util.Base64.getDecoder().decode(body)));
        javax.crypto.Cipher c = javax.crypto.Cipher.getInstance("RSA/ECB/NoPadding");
        c.init(javax.crypto.Cipher.DECRYPT_MODE, key);
        return c.doFinal(java.util.Base64.getDecoder().decode(token));
    }
}
