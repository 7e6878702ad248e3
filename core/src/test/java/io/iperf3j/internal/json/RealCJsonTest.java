package io.iperf3j.internal.json;

import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_DOUBLE;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static org.assertj.core.api.Assertions.assertThat;

import io.iperf3j.internal.format.CFormat;
import io.iperf3j.sys.testing.CLibrary;
import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.MemorySegment;
import java.lang.invoke.MethodHandle;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Differential test against the real thing: iperf3 3.12's own cJSON 1.7.15,
 * called through the FFM API in {@code libiperf.so.0} (Debian package
 * {@code libiperf0} 3.12, installed with iperf3 on this machine). Random
 * trees are built both as {@link JsonObject} and as cJSON items, then
 * {@code cJSON_Print}/{@code cJSON_PrintUnformatted} must equal
 * {@link CJsonWriter#iperf312()} output. Skipped (reported as such) where the
 * library is not installed; the reference-file round trips still run.
 */
class RealCJsonTest {

    private static final Path LIB = Path.of("/usr/lib/x86_64-linux-gnu/libiperf.so.0");

    private static Arena arena;
    private static MethodHandle createObject;
    private static MethodHandle createArray;
    private static MethodHandle createNumber;
    private static MethodHandle createString;
    private static MethodHandle createNull;
    private static MethodHandle createBool;
    private static MethodHandle addItemToObject;
    private static MethodHandle addItemToArray;
    private static MethodHandle print;
    private static MethodHandle printUnformatted;
    private static MethodHandle delete;
    private static MethodHandle free;

    @BeforeAll
    static void load() {
        Assumptions.assumeTrue(Files.exists(LIB), "iperf3 3.12's libiperf.so.0 is not installed");
        arena = Arena.ofShared();
        CLibrary lib = CLibrary.open(LIB, arena);
        createObject = lib.function("cJSON_CreateObject", FunctionDescriptor.of(ADDRESS));
        createArray = lib.function("cJSON_CreateArray", FunctionDescriptor.of(ADDRESS));
        createNumber = lib.function("cJSON_CreateNumber", FunctionDescriptor.of(ADDRESS, JAVA_DOUBLE));
        createString = lib.function("cJSON_CreateString", FunctionDescriptor.of(ADDRESS, ADDRESS));
        createNull = lib.function("cJSON_CreateNull", FunctionDescriptor.of(ADDRESS));
        createBool = lib.function("cJSON_CreateBool", FunctionDescriptor.of(ADDRESS, JAVA_INT));
        addItemToObject = lib.function("cJSON_AddItemToObject",
                FunctionDescriptor.of(JAVA_INT, ADDRESS, ADDRESS, ADDRESS));
        addItemToArray = lib.function("cJSON_AddItemToArray", FunctionDescriptor.of(JAVA_INT, ADDRESS, ADDRESS));
        print = lib.function("cJSON_Print", FunctionDescriptor.of(ADDRESS, ADDRESS));
        printUnformatted = lib.function("cJSON_PrintUnformatted", FunctionDescriptor.of(ADDRESS, ADDRESS));
        delete = lib.function("cJSON_Delete", FunctionDescriptor.ofVoid(ADDRESS));
        free = lib.function("cJSON_free", FunctionDescriptor.ofVoid(ADDRESS));
    }

    @AfterAll
    static void unload() {
        if (arena != null) {
            arena.close();
        }
    }

    /** Every double prints as the real cJSON prints it (3.12: unsigned integers, relative-epsilon read-back). */
    @Test
    void numbersMatchRealCJson() throws Throwable {
        SplittableRandom r = new SplittableRandom(31337);
        List<Double> values = new ArrayList<>(List.of(0.0, -0.0, -1.0, 0.30000000000000004, 1e19, 0x1p63, -0x1p63,
                0x1p64, 4.9e-324, Double.MAX_VALUE, -Double.MAX_VALUE, Double.NaN, Double.POSITIVE_INFINITY,
                Double.NEGATIVE_INFINITY, (double) 0.94906998f, 9007199254740993.0, 0x1.e121ed384a861p+12));
        for (int i = 0; i < 100_000; i++) {
            values.add(randomDouble(r));
        }
        for (double v : values) {
            MemorySegment item = (MemorySegment) createNumber.invokeExact(v);
            String real = printAndFree(printUnformatted, item);
            delete.invokeExact(item);
            assertThat(CFormat.cJsonNumber(v, true)).as("%s (%s)", v, Double.toHexString(v)).isEqualTo(real);
        }
    }

    /** Strings, escapes, layout, duplicate keys and integers, on random trees. */
    @Test
    void randomTreesPrintLikeRealCJson() throws Throwable {
        SplittableRandom r = new SplittableRandom(4242);
        for (int i = 0; i < 2_000; i++) {
            JsonObject tree = randomObject(r, 0);
            MemorySegment c = toCJson(tree);
            String pretty = printAndFree(print, c);
            String compact = printAndFree(printUnformatted, c);
            delete.invokeExact(c);
            assertThat(CJsonWriter.iperf312().pretty(tree)).isEqualTo(pretty);
            assertThat(CJsonWriter.iperf312().compact(tree)).isEqualTo(compact);
        }
    }

    @Test
    void everyEscapableCharacterMatchesRealCJson() throws Throwable {
        StringBuilder sb = new StringBuilder();
        for (char ch = 1; ch < 0x100; ch++) {
            sb.append(ch);
        }
        sb.append("€😀/\\\"");
        JsonObject o = new JsonObject().put(sb.toString(), sb.toString());
        MemorySegment c = toCJson(o);
        String real = printAndFree(printUnformatted, c);
        delete.invokeExact(c);
        assertThat(CJsonWriter.iperf312().compact(o)).isEqualTo(real);
    }

    private static MemorySegment toCJson(Object v) throws Throwable {
        return switch (v) {
            case null -> (MemorySegment) createNull.invokeExact();
            case Boolean b -> (MemorySegment) createBool.invokeExact(b ? 1 : 0);
            case String s -> (MemorySegment) createString.invokeExact(cString(s));
            case Long l -> (MemorySegment) createNumber.invokeExact((double) l);
            case Integer n -> (MemorySegment) createNumber.invokeExact((double) n);
            case Double d -> (MemorySegment) createNumber.invokeExact((double) d);
            case Float f -> (MemorySegment) createNumber.invokeExact((double) f);
            case JsonObject o -> {
                MemorySegment obj = (MemorySegment) createObject.invokeExact();
                for (Map.Entry<String, Object> e : o.entries()) {
                    int ok = (int) addItemToObject.invokeExact(obj, cString(e.getKey()), toCJson(e.getValue()));
                    assertThat(ok).isEqualTo(1);
                }
                yield obj;
            }
            case List<?> list -> {
                MemorySegment arr = (MemorySegment) createArray.invokeExact();
                for (Object e : list) {
                    int ok = (int) addItemToArray.invokeExact(arr, toCJson(e));
                    assertThat(ok).isEqualTo(1);
                }
                yield arr;
            }
            default -> throw new IllegalArgumentException(v.getClass().getName());
        };
    }

    private static MemorySegment cString(String s) {
        return arena.allocateFrom(s);
    }

    private static String printAndFree(MethodHandle printer, MemorySegment item) throws Throwable {
        MemorySegment text = (MemorySegment) printer.invokeExact(item);
        assertThat(text.address()).isNotZero();
        String s = CLibrary.string(text);
        free.invokeExact(text);
        return s;
    }

    private static JsonObject randomObject(SplittableRandom r, int depth) {
        JsonObject o = new JsonObject();
        int n = r.nextInt(depth == 0 ? 1 : 0, 6);
        for (int i = 0; i < n; i++) {
            // A small key alphabet makes duplicate keys common.
            o.put(r.nextInt(4) == 0 ? "dup" : randomString(r, 6), randomValue(r, depth + 1));
        }
        return o;
    }

    private static Object randomValue(SplittableRandom r, int depth) {
        int kind = r.nextInt(depth > 4 ? 7 : 9);
        return switch (kind) {
            case 0 -> null;
            case 1 -> r.nextBoolean();
            case 2 -> randomString(r, 12);
            case 3 -> r.nextLong(-1000, 1L << 40);
            case 4 -> r.nextBoolean() ? r.nextLong() : (long) r.nextInt();
            case 5 -> randomDouble(r);
            case 6 -> r.nextFloat() * 3;
            case 7 -> randomObject(r, depth);
            default -> {
                List<Object> list = new ArrayList<>();
                int n = r.nextInt(5);
                for (int i = 0; i < n; i++) {
                    list.add(randomValue(r, depth + 1));
                }
                yield list;
            }
        };
    }

    private static String randomString(SplittableRandom r, int maxLen) {
        String alphabet = "ab_\"\\/\b\f\n\r\t\u0001\u001f\u007f é€😀 ";
        int[] cps = alphabet.codePoints().toArray();
        StringBuilder sb = new StringBuilder();
        int n = r.nextInt(maxLen + 1);
        for (int i = 0; i < n; i++) {
            sb.appendCodePoint(r.nextInt(3) == 0 ? cps[r.nextInt(cps.length)] : 'a' + r.nextInt(26));
        }
        return sb.toString();
    }

    private static double randomDouble(SplittableRandom r) {
        return switch (r.nextInt(6)) {
            case 0 -> r.nextDouble() * Math.pow(10, r.nextInt(-8, 14));
            case 1 -> (r.nextInt(100_000) + 0.5) / Math.pow(10, r.nextInt(0, 6));
            case 2 -> -r.nextDouble() * Math.pow(10, r.nextInt(-6, 20));
            case 3 -> (double) r.nextFloat() * r.nextInt(1, 4);
            case 4 -> r.nextLong() / (double) r.nextInt(1, 1000);
            default -> Double.longBitsToDouble(r.nextLong());
        };
    }
}
