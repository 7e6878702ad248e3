package io.iperf3j.internal.json;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.StreamReadConstraints;
import java.io.IOException;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * PeerJson's reader against Jackson's streaming parser (what PeerJson used until issue 68) on the
 * same inputs: real iperf3 documents, their truncations, 30 000 mutations and random token soups.
 * Where both accept, the objects must be equal (keys, order, duplicates, every number's type and
 * value); where one accepts, so must the other, but for the one difference written down here:
 * Jackson takes some malformed UTF-8 inside strings (overlong forms, encoded surrogates) that
 * RFC 8259 and PeerJson refuse.
 */
class PeerJsonJacksonTest {

    private static final BigInteger TWO_POW_64 = BigInteger.ONE.shiftLeft(64);
    private static final String TOKENS = "{}[]\":,\\ntrufals0-1e.9Eu ";
    private static final JsonFactory JACKSON = JsonFactory.builder()
            .streamReadConstraints(StreamReadConstraints.builder().maxNestingDepth(33).maxNumberLength(64)
                    .maxStringLength(64 * 1024).maxNameLength(64 * 1024).build())
            .build();

    @Test
    void readsWhatJacksonReadsAndRefusesWhatItRefuses() throws Exception {
        SplittableRandom r = new SplittableRandom(68);
        List<byte[]> seeds = PeerJsonInputs.realDocumentsAnd(
                ("{\"cpu_util_total\":79.8993435339216,\"sender_has_retransmits\":18446744073709551615,\"n\":-0,"
                        + "\"x\":[1e-7,-2.5E+3,0.0,-9223372036854775808,9223372036854775808,1844674407370955161600],"
                        + "\"s\":\"\\u00e9\\ud83d\\ude00\\t\u20ac\",\"streams\":[{\"id\":1,\"bytes\":3671588864,"
                        + "\"jitter\":0,\"end_time\":2.000847,\"ok\":true,\"no\":false,\"z\":null}]}")
                        .getBytes(StandardCharsets.UTF_8));
        int[] counts = new int[3]; // both accepted, both refused, the UTF-8 difference
        for (byte[] seed : seeds) {
            for (int cut = 0; cut <= seed.length; cut += 1 + cut / 50) {
                compare(seed, cut, counts);
            }
        }
        for (int i = 0; i < 30_000; i++) {
            byte[] b = PeerJsonInputs.mutated(seeds.get(r.nextInt(seeds.size())), r);
            compare(b, b.length, counts);
        }
        for (int i = 0; i < 30_000; i++) {
            byte[] b = new byte[1 + r.nextInt(48)];
            for (int j = 0; j < b.length; j++) {
                b[j] = (byte) (r.nextInt(8) > 0 ? TOKENS.charAt(r.nextInt(TOKENS.length())) : r.nextInt(256));
            }
            b[0] = '{';
            compare(b, b.length, counts);
        }
        assertThat(counts[0]).as("both accepted").isGreaterThan(1_000);
        assertThat(counts[1]).as("both refused").isGreaterThan(30_000);
    }

    private static void compare(byte[] b, int length, int[] counts) {
        Object ours;
        try {
            ours = PeerJson.parseObject(b, 0, length, PeerJson.Limits.DEFAULT);
        } catch (MalformedJsonException e) {
            ours = e;
        }
        Object theirs;
        try {
            theirs = jackson(b, length);
        } catch (IOException | RuntimeException e) {
            theirs = e;
        }
        String input = new String(b, 0, length, StandardCharsets.ISO_8859_1);
        if (ours instanceof JsonObject o) {
            assertThat(theirs).as("Jackson on %s", input).isInstanceOf(JsonObject.class);
            assertThat(o).as("on %s", input).isEqualTo(theirs);
            counts[0]++;
        } else if (theirs instanceof JsonObject) {
            assertThat(hasNonAscii(b, length)).as("only Jackson accepted %s (%s)", input, ours).isTrue();
            counts[2]++;
        } else {
            counts[1]++;
        }
    }

    private static boolean hasNonAscii(byte[] b, int length) {
        for (int i = 0; i < length; i++) {
            if (b[i] < 0) {
                return true;
            }
        }
        return false;
    }

    /** PeerJson's reading as it was, over Jackson's streaming parser. */
    private static Object jackson(byte[] b, int length) throws IOException {
        for (int i = 0; i < Math.min(length, 4); i++) {
            if (b[i] == 0 || (b[i] & 0xff) >= 0xfe) {
                throw new IOException("not UTF-8");
            }
        }
        try (JsonParser p = JACKSON.createParser(b, 0, length)) {
            if (p.nextToken() != JsonToken.START_OBJECT) {
                throw new IOException("not an object");
            }
            JsonObject o = object(p, 1);
            if (p.nextToken() != null) {
                throw new IOException("data after");
            }
            return o;
        }
    }

    private static JsonObject object(JsonParser p, int depth) throws IOException {
        JsonObject o = new JsonObject();
        JsonToken t;
        while ((t = p.nextToken()) == JsonToken.FIELD_NAME) {
            String name = p.getText();
            o.append(name, value(p, p.nextToken(), depth));
        }
        if (t != JsonToken.END_OBJECT) {
            throw new IOException("unterminated");
        }
        return o;
    }

    private static Object value(JsonParser p, JsonToken t, int depth) throws IOException {
        if (t == null) {
            throw new IOException("end");
        }
        if ((t == JsonToken.START_OBJECT || t == JsonToken.START_ARRAY) && depth >= 32) {
            throw new IOException("deep");
        }
        return switch (t) {
            case START_OBJECT -> object(p, depth + 1);
            case START_ARRAY -> {
                ArrayList<Object> list = new ArrayList<>();
                JsonToken e;
                while ((e = p.nextToken()) != JsonToken.END_ARRAY) {
                    list.add(value(p, e, depth + 1));
                }
                yield list;
            }
            case VALUE_STRING -> p.getText();
            case VALUE_NUMBER_INT -> {
                if (p.getNumberType() != JsonParser.NumberType.BIG_INTEGER) {
                    yield p.getLongValue();
                }
                BigInteger v = p.getBigIntegerValue();
                yield v.signum() > 0 && v.compareTo(TWO_POW_64) < 0 ? (Object) v.longValue() : (Object) v.doubleValue();
            }
            case VALUE_NUMBER_FLOAT -> p.getDoubleValue();
            case VALUE_TRUE -> Boolean.TRUE;
            case VALUE_FALSE -> Boolean.FALSE;
            case VALUE_NULL -> null;
            default -> throw new IOException("unexpected " + t);
        };
    }
}
