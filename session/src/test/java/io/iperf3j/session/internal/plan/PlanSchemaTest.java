package io.iperf3j.session.internal.plan;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import com.networknt.schema.Error;
import com.networknt.schema.InputFormat;
import com.networknt.schema.Schema;
import com.networknt.schema.SchemaRegistry;
import com.networknt.schema.SpecificationVersion;
import io.iperf3j.session.SessionException.IperfConfigurationError;
import io.iperf3j.session.internal.connect.LoginEnvironment;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.zip.GZIPOutputStream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The plan file's JSON Schema (the session jar's {@code plan.schema.json}, which {@code iperf3j session --schema} prints)
 * kept in step with the reader ({@link PlanFile}): every map of a plan has in the schema exactly the keys the reader
 * accepts ({@link PlanFile#KEYS}, the sets its unknown-key checks use) and no others; each key's example in the schema is
 * read by the reader without a mistake and valid against the schema; a value of another type than the schema's is
 * refused by both, the reader naming the key; and every example plan (docs/examples/*.yaml, the README's and
 * docs/plan-reference.md's plans) is valid against the schema and read by the reader. Validated with networknt's
 * json-schema-validator (draft 2020-12), as an editor's YAML plug-in would check a plan (issue 57: keys such as
 * {@code port:} were found only through the "unknown key" error).
 */
class PlanSchemaTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());
    private static final JsonNodeFactory NODES = JsonNodeFactory.instance;
    private static final Path ROOT = Path.of("").toAbsolutePath().getParent();

    private final JsonNode schemaTree;
    private final Schema schema;

    @TempDir
    Path base;
    private LoginEnvironment logins;

    PlanSchemaTest() throws IOException {
        schemaTree = JSON.readTree(PlanFile.schema());
        schema = SchemaRegistry.withDefaultDialect(SpecificationVersion.DRAFT_2020_12)
                .getSchema(PlanFile.schema(), InputFormat.JSON);
    }

    @BeforeEach
    void files() throws IOException {
        // the examples' files, where the reader reads them: an image tarball (gzip), a key
        try (GZIPOutputStream gz = new GZIPOutputStream(Files.newOutputStream(base.resolve("iperf3j-0.1.0-linux-x64.tar.gz")))) {
            gz.write(new byte[512]);
        }
        Files.createDirectories(base.resolve("keys"));
        Files.writeString(base.resolve("keys/id_ed25519"), "not read when a plan is read\n");
        Path home = Files.createDirectories(base.resolve("home"));
        logins = new LoginEnvironment(home, "tester", Map.of("KEY_PASSPHRASE", "p", "LAB_PASSWORD", "p"));
    }

    /** The schema object that holds {@code place}'s keys: the plan itself, or a {@code $defs} entry (its object branch). */
    private JsonNode object(String place) {
        JsonNode n = place.equals("plan") ? schemaTree : schemaTree.path("$defs").path(place);
        if (n.has("oneOf")) {
            for (JsonNode branch : n.get("oneOf")) {
                if (branch.has("properties")) {
                    return branch;
                }
            }
        }
        return n;
    }

    /** A property's schema with its {@code $ref} followed (the referring node's own keywords kept over the target's). */
    private JsonNode resolved(JsonNode property) {
        if (!property.has("$ref")) {
            return property;
        }
        String ref = property.get("$ref").asText();
        assertThat(ref).startsWith("#/$defs/");
        ObjectNode merged = ((ObjectNode) schemaTree.path("$defs").path(ref.substring("#/$defs/".length()))).deepCopy();
        property.properties().forEach(e -> {
            if (!e.getKey().equals("$ref")) {
                merged.set(e.getKey(), e.getValue());
            }
        });
        return merged;
    }

    @Test
    void everyMapOfAPlanHasExactlyTheKeysTheReaderAccepts() {
        assertThat(PlanFile.KEYS).containsOnlyKeys("plan", "push", "remote_write", "basic_auth", "schedule", "install", "host", "commands",
                "connection", "test", "disjoint");
        Set<String> withProperties = new TreeSet<>();
        schemaTree.path("$defs").properties().forEach(e -> {
            if (object(e.getKey()).has("properties")) {
                withProperties.add(e.getKey());
            }
        });
        withProperties.add("plan");
        assertThat(withProperties).as("every object of the schema is a map the reader reads").isEqualTo(new TreeSet<>(PlanFile.KEYS.keySet()));
        PlanFile.KEYS.forEach((place, keys) -> {
            JsonNode o = object(place);
            Set<String> inSchema = new TreeSet<>();
            o.path("properties").fieldNames().forEachRemaining(inSchema::add);
            assertThat(inSchema).as("the schema's keys of %s", place).isEqualTo(new TreeSet<>(keys));
            assertThat(o.path("additionalProperties").isBoolean() && !o.path("additionalProperties").asBoolean())
                    .as("%s refuses other keys, as the reader does", place).isTrue();
        });
    }

    /** Every key of every map, as (place, key, its schema resolved). */
    private List<Object[]> keys() {
        List<Object[]> all = new ArrayList<>();
        PlanFile.KEYS.forEach((place, keys) -> {
            for (String key : new TreeSet<>(keys)) {
                all.add(new Object[] {place, key, resolved(object(place).path("properties").path(key))});
            }
        });
        return all;
    }

    /** Whether a key's value is a map or a list of maps (checked through its own keys), not a leaf. */
    private static boolean container(JsonNode s) {
        if (s.has("properties") || s.path("items").has("$ref")) {
            return true;
        }
        for (JsonNode branch : s.path("oneOf")) {
            if (branch.has("properties")) {
                return true;
            }
        }
        return false;
    }

    @Test
    void eachKeysExampleIsReadByTheReaderAndValidAgainstTheSchema() throws Exception {
        int checked = 0;
        for (Object[] k : keys()) {
            String place = (String) k[0];
            String key = (String) k[1];
            JsonNode s = (JsonNode) k[2];
            if (container(s)) {
                continue;
            }
            assertThat(s.path("description").isTextual() || s.path("type").isTextual() || s.has("enum"))
                    .as("%s.%s says what it is", place, key).isTrue();
            assertThat(s.path("examples").isArray() && !s.path("examples").isEmpty()).as("%s.%s has an example", place, key).isTrue();
            ObjectNode plan = planWith(place, key, s.path("examples").get(0));
            assertThat(errors(plan)).as("%s.%s = %s against the schema", place, key, s.path("examples").get(0)).isEmpty();
            String yaml = YAML.writeValueAsString(plan);
            try {
                PlanFile.parse(yaml, base, Optional.empty(), logins);
            } catch (IperfConfigurationError e) {
                throw new AssertionError(place + "." + key + " = " + s.path("examples").get(0) + ": the reader refused it: "
                        + e.getMessage() + "\n" + yaml, e);
            }
            checked++;
        }
        assertThat(checked).as("leaf keys").isGreaterThan(40);
    }

    @Test
    void aValueOfAnotherTypeIsRefusedByTheReaderNamingItsKeyAndByTheSchema() throws Exception {
        for (Object[] k : keys()) {
            String place = (String) k[0];
            String key = (String) k[1];
            JsonNode wrong = wrongFor((JsonNode) k[2]);
            ObjectNode plan = planWith(place, key, wrong);
            assertThat(errors(plan)).as("%s.%s = %s against the schema", place, key, wrong).isNotEmpty();
            String yaml = YAML.writeValueAsString(plan);
            assertThatThrownBy(() -> PlanFile.parse(yaml, base, Optional.empty(), logins))
                    .as("%s.%s = %s:\n%s", place, key, wrong, yaml).isInstanceOf(IperfConfigurationError.class)
                    .hasMessageContaining(key);
        }
    }

    /** A value of another type than the schema's for a key: a string for a boolean, number, list or map; a map for a string. */
    private static JsonNode wrongFor(JsonNode s) {
        JsonNode type = s.path("type");
        Set<String> types = new TreeSet<>();
        if (type.isTextual()) {
            types.add(type.asText());
        }
        type.forEach(t -> types.add(t.asText()));
        for (JsonNode branch : s.path("oneOf")) {
            if (branch.has("const")) {
                types.add(branch.get("const").isBoolean() ? "boolean" : "string");
            }
            if (branch.has("properties")) {
                types.add("object");
            }
        }
        if (types.contains("string")) {
            return types.contains("object") ? NODES.numberNode(42) : NODES.objectNode().put("a", 1);
        }
        return NODES.textNode(types.contains("boolean") && types.size() == 1 ? "maybe" : "x");
    }

    /** The schema's errors for {@code plan}. */
    private List<Error> errors(JsonNode plan) {
        return schema.validate(plan);
    }

    /**
     * A valid plan (hosts h1, h2, h3 on this machine; a test of the pair h1 → h2) with {@code value} at {@code key} of
     * {@code place}: the plan's own, its push, remote_write (and its basic_auth), schedule or install, the first host's (its commands, or its SSH connection),
     * or the test's (a mesh, a star or a disjoint test in place of its pairs; a rotating mesh for {@code per_run}), or a disjoint
     * test's sides.
     */
    private ObjectNode planWith(String place, String key, JsonNode value) {
        ObjectNode plan = NODES.objectNode();
        ArrayNode hosts = plan.putArray("hosts");
        for (int i = 1; i <= 3; i++) {
            hosts.addObject().put("id", "h" + i).put("address", "127.0.0." + i);
        }
        ObjectNode test = plan.putArray("tests").addObject().put("name", "t");
        test.putArray("pairs").addArray().add("h1").add("h2");
        ObjectNode host = (ObjectNode) hosts.get(0);
        ObjectNode at = switch (place) {
            case "plan" -> plan;
            case "push" -> plan.putObject("push").put("endpoint", "http://127.0.0.1:9091");
            case "remote_write" -> plan.putObject("remote_write").put("url", "http://127.0.0.1:9090/api/v1/write");
            case "basic_auth" -> plan.putObject("remote_write").put("url", "http://127.0.0.1:9090/api/v1/write").putObject("basic_auth")
                    .put("username", "u").put("password_file", "pw");
            case "schedule" -> plan.putObject("schedule").put("every", "1h");
            case "install" -> plan.putObject("install").put("image", "iperf3j-0.1.0-linux-x64.tar.gz");
            case "host" -> host;
            case "commands" -> host.putObject("commands");
            case "connection" -> host.putObject("connection").put("type", "ssh");
            case "disjoint" -> {
                test.remove("pairs");
                ObjectNode sides = test.putObject("disjoint");
                sides.putArray("a").add("h1");
                sides.putArray("b").add("h2").add("h3");
                yield sides;
            }
            case "test" -> {
                if (Set.of("mesh", "star", "from", "disjoint", "per_run").contains(key)) {
                    test.remove("pairs");
                    if (key.equals("per_run")) {
                        test.putArray("mesh").add("h1").add("h2").add("h3");
                    } else if (!key.equals("mesh") && !key.equals("disjoint")) {
                        test.putArray("star").add("h2");
                        test.put("from", "h1");
                    }
                }
                yield test;
            }
            default -> throw new IllegalArgumentException(place);
        };
        at.set(key, value);
        return plan;
    }

    @Test
    void everyExamplePlanIsValidAgainstTheSchemaAndReadByTheReader() throws Exception {
        Map<String, String> plans = new java.util.LinkedHashMap<>();
        try (var files = Files.list(ROOT.resolve("docs/examples"))) {
            for (Path f : files.filter(p -> p.toString().endsWith(".yaml")).sorted().toList()) {
                plans.put(ROOT.relativize(f).toString(), Files.readString(f));
            }
        }
        assertThat(plans).as("docs/examples/*.yaml").hasSizeGreaterThanOrEqualTo(3);
        for (String doc : List.of("README.md", "docs/plan-reference.md")) {
            Matcher m = Pattern.compile("```yaml\n(.*?)\n```", Pattern.DOTALL).matcher(Files.readString(ROOT.resolve(doc)));
            int n = 0;
            while (m.find()) {
                n++;
                if (m.group(1).contains("hosts:") && m.group(1).contains("tests:")) {
                    plans.put(doc + " yaml block " + n, m.group(1));
                }
            }
        }
        assertThat(plans.keySet()).anyMatch(k -> k.startsWith("README.md")).anyMatch(k -> k.startsWith("docs/plan-reference.md"));
        for (Map.Entry<String, String> p : plans.entrySet()) {
            JsonNode tree = YAML.readTree(p.getValue());
            assertThat(errors(tree)).as("%s against the schema", p.getKey()).isEmpty();
            try {
                PlanFile.parse(p.getValue(), base, Optional.of("/opt/iperf3j/bin/iperf3j"), logins);
            } catch (IperfConfigurationError e) {
                throw new AssertionError(p.getKey() + ": the reader refused it: " + e.getMessage(), e);
            }
        }
    }

    @Test
    void iperf3jSessionSchemaPrintsIt() throws Exception {
        java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();
        java.io.ByteArrayOutputStream err = new java.io.ByteArrayOutputStream();
        int status = io.iperf3j.session.command.SessionCommand.run(List.of("--schema"), new java.io.PrintStream(out, true),
                new java.io.PrintStream(err, true));
        assertThat(status).as(err.toString()).isZero();
        assertThat(JSON.readTree(out.toString(java.nio.charset.StandardCharsets.UTF_8))).isEqualTo(schemaTree);
        assertThat(PlanFile.schema()).as("the jar's resource is the sources' file").isEqualTo(
                Files.readString(ROOT.resolve("session/src/main/resources/io/iperf3j/session/plan.schema.json")));
    }

    @Test
    void theSchemaRefusesWhatTheReaderRefusesMostOften() {
        // the mistakes of the README's example of four (an unknown key, a role, a direction), and no shape
        ObjectNode plan = planWith("test", "durtion", NODES.numberNode(5));
        assertThat(errors(plan)).isNotEmpty();
        assertThat(errors(planWith("host", "role", NODES.textNode("boss")))).isNotEmpty();
        assertThat(errors(planWith("test", "direction", NODES.textNode("sideways")))).isNotEmpty();
        ObjectNode noShape = planWith("plan", "parallel", NODES.booleanNode(true));
        ((ObjectNode) noShape.get("tests").get(0)).remove("pairs");
        assertThat(errors(noShape)).as("a test with no mesh, pairs or star").isNotEmpty();
    }
}
