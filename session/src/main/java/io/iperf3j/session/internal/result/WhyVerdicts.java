package io.iperf3j.session.internal.result;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.MappingIterator;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.iperf3j.Cause;
import io.iperf3j.Confidence;
import io.iperf3j.session.TestResult;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * The verdicts of an iperf3j client's {@code --why} in its output (docs/design/why.md): {@code end.iperf3j_why}
 * of a {@code -J} document (the last one holding it), or of a {@code --json-stream} file's {@code end} event. Only
 * the direction-level verdicts are kept (cause, headline, reason, remedy): their figures stay in the raw output.
 * An output without the key, or whose key is not of that shape, has none: nothing is guessed. Pure.
 */
public final class WhyVerdicts {
    /** The key iperf3j writes under {@code end}. */
    public static final String KEY = "iperf3j_why";
    private static final ObjectMapper JSON = new ObjectMapper();

    private WhyVerdicts() {
    }

    /** The verdicts of {@code text}, an iperf3 JSON output; empty when it has none. */
    public static List<TestResult.Verdict> read(String text) {
        if (!text.contains("\"" + KEY + "\"")) {
            return List.of(); // most outputs: not parsed twice
        }
        List<TestResult.Verdict> found = List.of();
        try (MappingIterator<JsonNode> docs = JSON.readerFor(JsonNode.class)
                .without(com.fasterxml.jackson.databind.DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
                .with(JsonParser.Feature.AUTO_CLOSE_SOURCE).readValues(text)) {
            while (docs.hasNextValue()) {
                JsonNode doc = docs.nextValue();
                JsonNode end = doc.path("event").isTextual() ? ("end".equals(doc.path("event").asText()) ? doc.path("data")
                        : null) : doc.path("end");
                if (end != null && end.has(KEY)) {
                    found = of(end.get(KEY));
                }
            }
        } catch (IOException | RuntimeException e) {
            return found; // what was read before a torn document
        }
        return found;
    }

    /** The verdicts of one {@code iperf3j_why} object; empty when it is not of that shape. */
    public static List<TestResult.Verdict> of(JsonNode why) {
        JsonNode dirs = why.path("directions");
        if (!dirs.isArray()) {
            return List.of();
        }
        List<TestResult.Verdict> out = new ArrayList<>();
        for (JsonNode d : dirs) {
            try {
                Cause cause = Cause.ofKey(d.path("cause").asText());
                String reason = d.path("reason").asText("");
                String headline = d.path("headline").isTextual() ? d.path("headline").asText()
                        : cause == Cause.NOT_DETERMINED ? "not determined: " + reason : "limited by " + cause.words();
                Optional<String> remedy = d.path("remedy").isTextual() ? Optional.of(d.path("remedy").asText()) : Optional.empty();
                out.add(new TestResult.Verdict(!"server".equals(d.path("sender").asText()), cause, headline, reason, remedy,
                        d.path("confidence").isTextual() ? Confidence.ofKey(d.path("confidence").asText())
                                : Confidence.CLEAR));
            } catch (IllegalArgumentException e) {
                return List.of(); // a cause this build does not know: not guessed
            }
        }
        return out;
    }
}
