package io.iperf3j.internal.json;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.math.BigDecimal;
import java.math.BigInteger;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class JsonObjectTest {

    @Test
    void putAppendsDuplicatesInOrder() {
        JsonObject o = new JsonObject().put("a", 1).put("b", 2).put("a", 3);
        assertThat(o.size()).isEqualTo(3);
        assertThat(o.keys()).containsExactly("a", "b", "a");
        assertThat(o.get("a")).isEqualTo(1);
        assertThat(o.entries()).extracting(Map.Entry::getValue).containsExactly(1, 2, 3);
        assertThat(CJsonWriter.standard().compact(o)).isEqualTo("{\"a\":1,\"b\":2,\"a\":3}");
    }

    @Test
    void setReplacesTheFirstMatchOrAppends() {
        JsonObject o = new JsonObject().put("a", 1).put("b", 2).put("a", 3);
        o.set("a", "x").set("c", true);
        assertThat(o.entries()).extracting(Map.Entry::getKey).containsExactly("a", "b", "a", "c");
        assertThat(o.entries()).extracting(Map.Entry::getValue).containsExactly("x", 2, 3, true);
    }

    @Test
    void removeDeletesEveryEntryWithTheKey() {
        JsonObject o = new JsonObject().put("a", 1).put("b", 2).put("a", 3).put("c", 4);
        assertThat(o.remove("a")).isTrue();
        assertThat(o.remove("zz")).isFalse();
        assertThat(o.keys()).containsExactly("b", "c");
        assertThat(o.has("a")).isFalse();
        o.put("a", 5);
        assertThat(o.keys()).containsExactly("b", "c", "a");
    }

    @Test
    void viewsAreReadOnlyAndLive() {
        JsonObject o = new JsonObject().put("a", 1);
        List<String> keys = o.keys();
        List<Map.Entry<String, Object>> entries = o.entries();
        o.put("b", null);
        assertThat(keys).containsExactly("a", "b");
        assertThat(entries).hasSize(2);
        assertThat(entries.get(1).getValue()).isNull();
        assertThatThrownBy(() -> keys.add("c")).isInstanceOf(UnsupportedOperationException.class);
        assertThatThrownBy(() -> entries.get(0).setValue(9)).isInstanceOf(UnsupportedOperationException.class);
        assertThatThrownBy(() -> keys.get(2)).isInstanceOf(IndexOutOfBoundsException.class);
    }

    @Test
    void emptyAndSize() {
        JsonObject o = new JsonObject();
        assertThat(o.isEmpty()).isTrue();
        for (int i = 0; i < 100; i++) {
            o.put("k" + i, i);
        }
        assertThat(o.size()).isEqualTo(100);
        assertThat(o.isEmpty()).isFalse();
        assertThat(o.getLong("k99")).isEqualTo(99L);
    }

    @Test
    void typedGetters() {
        List<Object> arr = new ArrayList<>(List.of(1, "x"));
        JsonObject inner = new JsonObject();
        JsonObject o = new JsonObject().put("i", 7).put("l", 1L << 40).put("d", 2.5).put("f", 0.5f)
                .put("whole", 2.0).put("s", "str").put("b", false).put("o", inner).put("a", arr).put("n", null);
        assertThat(o.getLong("i")).isEqualTo(7L);
        assertThat(o.getLong("l")).isEqualTo(1L << 40);
        assertThat(o.getDouble("i")).isEqualTo(7.0);
        assertThat(o.getDouble("d")).isEqualTo(2.5);
        assertThat(o.getDouble("f")).isEqualTo(0.5);
        assertThat(o.getString("s")).isEqualTo("str");
        assertThat(o.getBoolean("b")).isFalse();
        assertThat(o.getObject("o")).isSameAs(inner);
        assertThat(o.getArray("a")).isSameAs(arr).containsExactly(1, "x");
        for (String absent : List.of("missing", "n")) {
            assertThat(o.getLong(absent)).isNull();
            assertThat(o.getDouble(absent)).isNull();
            assertThat(o.getString(absent)).isNull();
            assertThat(o.getBoolean(absent)).isNull();
            assertThat(o.getObject(absent)).isNull();
            assertThat(o.getArray(absent)).isNull();
        }
        assertThat(o.has("n")).isTrue();
        assertThat(o.has("missing")).isFalse();
    }

    @Test
    void typedGettersRejectOtherJsonTypes() {
        JsonObject o = new JsonObject().put("whole", 2.0).put("s", "1").put("b", true).put("o", new JsonObject())
                .put("a", List.of());
        assertThatThrownBy(() -> o.getLong("whole")).isInstanceOf(JsonTypeException.class)
                .hasMessage("JSON key \"whole\": expected integer but found number");
        assertThatThrownBy(() -> o.getLong("s")).isInstanceOf(JsonTypeException.class)
                .hasMessage("JSON key \"s\": expected integer but found string");
        assertThatThrownBy(() -> o.getDouble("b")).hasMessage("JSON key \"b\": expected number but found boolean");
        assertThatThrownBy(() -> o.getString("o")).hasMessage("JSON key \"o\": expected string but found object");
        assertThatThrownBy(() -> o.getBoolean("a")).hasMessage("JSON key \"a\": expected boolean but found array");
        assertThatThrownBy(() -> o.getObject("a")).hasMessage("JSON key \"a\": expected object but found array");
        assertThatThrownBy(() -> o.getArray("o")).hasMessage("JSON key \"o\": expected array but found object");
        JsonTypeException e = new JsonTypeException("k", "integer", "v");
        assertThat(e.key()).isEqualTo("k");
    }

    @Test
    void rejectsNonJsonValues() {
        JsonObject o = new JsonObject();
        assertThatThrownBy(() -> o.put("x", new Object())).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("\"x\"");
        assertThatThrownBy(() -> o.put("x", List.of(1, List.of(new StringBuilder()))))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> o.set("x", BigInteger.ONE)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> o.put(null, 1)).isInstanceOf(NullPointerException.class);
        assertThat(o.isEmpty()).isTrue();
    }

    @Test
    void copyIsDeep() {
        List<Object> list = new ArrayList<>(List.of(new JsonObject().put("x", 1)));
        JsonObject inner = new JsonObject().put("y", 2);
        JsonObject o = new JsonObject().put("l", list).put("o", inner).put("dup", 1).put("dup", 2);
        JsonObject c = o.copy();
        assertThat(c).isEqualTo(o).hasSameHashCodeAs(o);
        inner.put("z", 3);
        ((JsonObject) list.get(0)).put("w", 4);
        list.add(5);
        assertThat(c).isNotEqualTo(o);
        assertThat(CJsonWriter.standard().compact(c)).isEqualTo("{\"l\":[{\"x\":1}],\"o\":{\"y\":2},\"dup\":1,\"dup\":2}");
    }

    @Test
    void equalityByContentAndOrder() {
        JsonObject a = new JsonObject().put("i", 1).put("f", 0.5f).put("l", List.of(1L, 2.0)).put("n", null);
        JsonObject b = new JsonObject().put("i", 1L).put("f", 0.5).put("l", List.of(1, 2.0f)).put("n", null);
        assertThat(a).isEqualTo(b).hasSameHashCodeAs(b);
        assertThat(a).isNotEqualTo(new JsonObject().put("f", 0.5).put("i", 1));
        assertThat(new JsonObject().put("v", 1)).isNotEqualTo(new JsonObject().put("v", 1.0));
        assertThat(new JsonObject().put("v", 1)).isNotEqualTo(new JsonObject().put("v", 2));
        assertThat(new JsonObject().put("v", List.of(1))).isNotEqualTo(new JsonObject().put("v", List.of(1, 2)));
        assertThat(new JsonObject().put("v", Double.NaN)).isEqualTo(new JsonObject().put("v", Double.NaN));
        assertThat(a).isNotEqualTo("not an object");
    }

    @Test
    void toMapLastDuplicateWinsLikeJackson() throws Exception {
        JsonObject o = new JsonObject().put("a", 1).put("b", new JsonObject().put("c", List.of(new JsonObject().put("d", 2))))
                .put("a", 3);
        LinkedHashMap<String, Object> m = o.toMap();
        assertThat(m).containsExactly(Map.entry("a", 3), Map.entry("b", Map.of("c", List.of(Map.of("d", 2)))));
        assertThat(m.get("b")).isInstanceOf(LinkedHashMap.class);
        Map<?, ?> jackson = new com.fasterxml.jackson.databind.ObjectMapper()
                .readValue(CJsonWriter.standard().compact(o), LinkedHashMap.class);
        assertThat(jackson.toString()).isEqualTo(m.toString());
    }

    @Test
    void fromMapConvertsNestedCollections() {
        Map<String, Object> inner = new LinkedHashMap<>();
        inner.put("short", (short) 3);
        inner.put("bigint", new BigInteger("18446744073709551616"));
        inner.put("smallbig", BigInteger.TEN);
        inner.put("bigdec", new BigDecimal("1.5"));
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("z", 1);
        m.put("a", List.of(inner, "s"));
        m.put("n", null);
        m.put("o", new JsonObject().put("k", "v"));
        JsonObject o = JsonObject.fromMap(m);
        assertThat(o.keys()).containsExactly("z", "a", "n", "o");
        JsonObject converted = (JsonObject) o.getArray("a").get(0);
        assertThat(converted.get("short")).isEqualTo(3);
        assertThat(converted.get("bigint")).isEqualTo(1.8446744073709552E19);
        assertThat(converted.get("smallbig")).isEqualTo(10L);
        assertThat(converted.get("bigdec")).isEqualTo(1.5);
        assertThat(JsonObject.fromMap(o.toMap())).isEqualTo(o);
        Map<Object, Object> badKey = new LinkedHashMap<>();
        badKey.put(1, 2);
        assertThatThrownBy(() -> JsonObject.fromMap(Map.of("m", badKey))).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> JsonObject.fromMap(Map.of("x", new Object())))
                .isInstanceOf(IllegalArgumentException.class);
        Map<String, Object> cyclic = new LinkedHashMap<>();
        cyclic.put("self", cyclic);
        assertThatThrownBy(() -> JsonObject.fromMap(cyclic)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("nested too deeply");
    }

    @Test
    void toStringIsCompactJson() {
        assertThat(new JsonObject().put("a", -1).put("b", "c")).hasToString("{\"a\":-1,\"b\":\"c\"}");
    }
}
