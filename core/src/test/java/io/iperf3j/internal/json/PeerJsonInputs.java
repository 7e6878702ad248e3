package io.iperf3j.internal.json;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

/** The inputs PeerJson's fuzz-style tests share: real iperf3 documents and their random mutations. */
final class PeerJsonInputs {
    /** Bytes that change JSON's structure when one replaces another. */
    private static final String STRUCTURE = "{}[]\":,\\e-+.0";

    private PeerJsonInputs() {
    }

    /** Three real iperf3 documents (TCP, UDP bidirectional, with server output), then {@code more}. */
    static List<byte[]> realDocumentsAnd(byte[] more) throws Exception {
        List<byte[]> seeds = new ArrayList<>(List.of(
                ReferenceRoundTripTest.resource("tcp.json"),
                ReferenceRoundTripTest.resource("udp_bidir.json"),
                ReferenceRoundTripTest.resource("get_server_output.json")));
        seeds.add(more);
        return seeds;
    }

    /** A copy of {@code seed} with 1 to 4 bytes replaced: by NUL, a high byte, a structural byte, '9' or any byte. */
    static byte[] mutated(byte[] seed, SplittableRandom r) {
        byte[] b = seed.clone();
        for (int m = 1 + r.nextInt(4); m > 0; m--) {
            int pos = r.nextInt(b.length);
            b[pos] = switch (r.nextInt(6)) {
                case 0 -> 0;
                case 1 -> (byte) (0x80 + r.nextInt(128));
                case 2 -> (byte) STRUCTURE.charAt(r.nextInt(STRUCTURE.length()));
                case 3 -> (byte) '9';
                default -> (byte) r.nextInt(256);
            };
        }
        return b;
    }
}
