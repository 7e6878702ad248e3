package io.iperf3j.bench;

import io.iperf3j.internal.auth.AuthToken;
import io.iperf3j.internal.auth.TokenBlock;
import io.iperf3j.internal.options.IperfOptions.RsaPadding;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The interleaved in-process timing of issue 66 (bench/auth_inprocess.py runs and reads it): the
 * kinds of {@link TokenBlockBench}, timed call by call with {@link System#nanoTime} in one JVM, the
 * kinds taken in turn (each round in its own shuffled order) so that the load of a shared machine
 * falls on all alike, which JMH's one fork per kind cannot do. Shuffled, not rotated: in a rotation
 * each kind always follows the same other kind, and the CPU's state after a well-formed token (its
 * last branch taken the other way, its Strings allocated) cost the kind after it about 10 ns. Writes {"open": {kind: [ns, ...]},
 * "decryptAndOpen": {...}} to the file named first.
 *
 * <pre>java -cp iperf3j-benchmarks.jar io.iperf3j.bench.TokenBlockTiming OUT.json [OPEN_ROUNDS] [DECRYPT_ROUNDS]</pre>
 */
public final class TokenBlockTiming {
    private TokenBlockTiming() {
    }

    public static void main(String[] args) throws Exception {
        Path out = Path.of(args[0]);
        int openRounds = args.length > 1 ? Integer.parseInt(args[1]) : 20_000;
        int decryptRounds = args.length > 2 ? Integer.parseInt(args[2]) : 2_000;
        String[] kinds = {"pkcs1", "oaep", "pkcs1-garbage", "oaep-garbage", "zero-lead", "random"};
        List<TokenBlockBench> states = new ArrayList<>();
        for (String kind : kinds) {
            TokenBlockBench b = new TokenBlockBench();
            b.kind = kind;
            b.setUp();
            states.add(b);
        }
        // warm-up (not recorded): the JIT compiles both paths
        time(states, kinds, 5_000, false);
        time(states, kinds, 300, true);
        Map<String, Map<String, long[]>> result = new LinkedHashMap<>();
        result.put("open", time(states, kinds, openRounds, false));
        result.put("decryptAndOpen", time(states, kinds, decryptRounds, true));
        // what the server did before issue 66 (main fa374f7): the JDK's Cipher with one padding, a failure
        // thrown as BadPaddingException
        result.put("jdkOaep", time(states, kinds, decryptRounds, "RSA/ECB/OAEPWithSHA-1AndMGF1Padding"));
        result.put("jdkPkcs1", time(states, kinds, decryptRounds, "RSA/ECB/PKCS1Padding"));
        StringBuilder json = new StringBuilder("{");
        for (Map.Entry<String, Map<String, long[]>> e : result.entrySet()) {
            json.append(json.length() > 1 ? "," : "").append('"').append(e.getKey()).append("\":{");
            int n = 0;
            for (Map.Entry<String, long[]> k : e.getValue().entrySet()) {
                json.append(n++ > 0 ? "," : "").append('"').append(k.getKey()).append("\":[");
                long[] v = k.getValue();
                for (int i = 0; i < v.length; i++) {
                    json.append(i > 0 ? "," : "").append(v[i]);
                }
                json.append(']');
            }
            json.append('}');
        }
        write(out, json.append("}\n").toString());
    }

    private static Map<String, long[]> time(List<TokenBlockBench> states, String[] kinds, int rounds, boolean decrypt)
            throws Exception {
        return time(states, kinds, rounds, decrypt ? "" : null);
    }

    /** transformation: null for TokenBlock.open, "" for AuthToken.open, else that JDK Cipher's decryption. */
    private static Map<String, long[]> time(List<TokenBlockBench> states, String[] kinds, int rounds, String transformation)
            throws Exception {
        boolean decrypt = transformation != null;
        javax.crypto.Cipher[] jdk = new javax.crypto.Cipher[kinds.length];
        if (decrypt && !transformation.isEmpty()) {
            for (int j = 0; j < kinds.length; j++) {
                jdk[j] = javax.crypto.Cipher.getInstance(transformation);
                jdk[j].init(javax.crypto.Cipher.DECRYPT_MODE, states.get(j).keys.getPrivate());
            }
        }
        Map<String, long[]> ns = new LinkedHashMap<>();
        for (String k : kinds) {
            ns.put(k, new long[rounds]);
        }
        long sink = 0;
        // every call reads the same array (the next block of its kind copied in first, untimed), so no kind
        // has its own addresses: a block's place in memory (its cache lines) is not its kind's
        byte[] scratch = new byte[states.getFirst().blocks[0].length];
        java.util.Random order = new java.util.Random(66);
        List<Integer> turn = new ArrayList<>();
        for (int j = 0; j < kinds.length; j++) {
            turn.add(j);
        }
        for (int round = 0; round < rounds; round++) {
            java.util.Collections.shuffle(turn, order);
            for (int j = 0; j < kinds.length; j++) {
                int which = turn.get(j);
                TokenBlockBench b = states.get(which);
                byte[][] pool = decrypt ? b.ciphertexts : b.blocks;
                System.arraycopy(pool[round % pool.length], 0, scratch, 0, scratch.length);
                long t0 = System.nanoTime();
                Object o;
                if (jdk[which] != null) {
                    try {
                        o = jdk[which].doFinal(scratch);
                    } catch (javax.crypto.BadPaddingException e) {
                        o = null;
                    }
                } else {
                    o = decrypt ? AuthToken.open(scratch, b.keys.getPrivate(), RsaPadding.AUTO)
                            : TokenBlock.open(scratch, RsaPadding.AUTO);
                }
                long t1 = System.nanoTime();
                sink += o == null ? 1 : 2;
                ns.get(kinds[which])[round] = t1 - t0;
            }
        }
        if (sink == 42) {
            System.out.println("(never)");
        }
        return ns;
    }

    private static void write(Path out, String text) throws IOException {
        Files.writeString(out, text);
    }
}
