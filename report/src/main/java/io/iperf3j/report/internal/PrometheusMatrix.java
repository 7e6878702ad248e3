package io.iperf3j.report.internal;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import java.io.IOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * One Prometheus {@code /api/v1/query_range} answer, parsed: its {@code data.result} series (a
 * {@code "matrix"}), each its labels and its samples ({@code [unix seconds, "value"]}), no HTTP here. The
 * answer is read as a stream, one series at a time, so memory is bounded by the limits: at most
 * {@code maxSeries} series of at most {@code maxPoints} samples each, or the parse fails. An answer whose
 * {@code status} is not {@code success} fails with Prometheus's own {@code errorType} and {@code error}.
 *
 * @param series the series in the answer's order
 */
public record PrometheusMatrix(List<Series> series) {
    private static final ObjectMapper MAPPER = new ObjectMapper();

    /**
     * One series: its labels ({@code __name__} included when Prometheus gives it) and its samples, by time.
     *
     * @param seconds the samples' times (unix seconds)
     * @param values the samples' values ({@code "NaN"}, {@code "+Inf"} and {@code "-Inf"} as Java's)
     */
    public record Series(Map<String, String> labels, double[] seconds, double[] values) {
    }

    /**
     * Parses an answer.
     *
     * @param what what error messages call the answer (the query)
     * @throws InputFormatException when it is not a successful matrix answer, or is past a limit
     */
    public static PrometheusMatrix parse(byte[] body, String what, int maxSeries, int maxPoints) throws InputFormatException {
        try (JsonParser p = MAPPER.createParser(body)) {
            if (p.nextToken() != JsonToken.START_OBJECT) {
                throw new InputFormatException(what + ": the answer is not a JSON object");
            }
            String status = null;
            String error = null;
            String errorType = null;
            String resultType = null;
            List<Series> series = null;
            while (p.nextToken() == JsonToken.FIELD_NAME) {
                String key = p.currentName();
                p.nextToken();
                switch (key) {
                    case "status" -> status = p.getValueAsString();
                    case "error" -> error = p.getValueAsString();
                    case "errorType" -> errorType = p.getValueAsString();
                    case "data" -> {
                        if (p.currentToken() != JsonToken.START_OBJECT) {
                            p.skipChildren();
                            continue;
                        }
                        while (p.nextToken() == JsonToken.FIELD_NAME) {
                            String dataKey = p.currentName();
                            p.nextToken();
                            if (dataKey.equals("resultType")) {
                                resultType = p.getValueAsString();
                            } else if (dataKey.equals("result") && p.currentToken() == JsonToken.START_ARRAY) {
                                series = readSeries(p, what, maxSeries, maxPoints);
                            } else {
                                p.skipChildren();
                            }
                        }
                    }
                    default -> p.skipChildren();
                }
            }
            if (!"success".equals(status)) {
                throw new InputFormatException(what + ": Prometheus says: "
                        + (error == null ? "status " + status : Texts.cut((errorType == null ? "" : errorType + ": ") + error)));
            }
            if (series == null || !"matrix".equals(resultType)) {
                throw new InputFormatException(what + ": the answer holds no matrix (resultType " + resultType + ")");
            }
            return new PrometheusMatrix(List.copyOf(series));
        } catch (JsonProcessingException e) {
            throw new InputFormatException(what + ": the answer is not valid JSON: " + e.getOriginalMessage(), e);
        } catch (IOException e) {
            throw new InputFormatException(what + ": cannot read the answer: " + e.getMessage(), e);
        }
    }

    /** Prometheus's own error text in an answer ({@code errorType: error}), or null when the body is not such an answer. */
    public static String errorText(byte[] body) {
        try {
            JsonNode j = MAPPER.readTree(body);
            if (j == null || !j.path("error").isTextual()) {
                return null;
            }
            return Texts.cut((j.path("errorType").isTextual() ? j.path("errorType").asText() + ": " : "") + j.path("error").asText());
        } catch (IOException e) {
            return null;
        }
    }

    private static List<Series> readSeries(JsonParser p, String what, int maxSeries, int maxPoints)
            throws IOException, InputFormatException {
        List<Series> out = new ArrayList<>();
        while (p.nextToken() == JsonToken.START_OBJECT) {
            if (out.size() >= maxSeries) {
                throw new InputFormatException(what + ": more than " + maxSeries + " series (input limit; narrow it with --match)");
            }
            Map<String, String> labels = new LinkedHashMap<>();
            double[] seconds = new double[0];
            double[] values = new double[0];
            while (p.nextToken() == JsonToken.FIELD_NAME) {
                String key = p.currentName();
                p.nextToken();
                if (key.equals("metric") && p.currentToken() == JsonToken.START_OBJECT) {
                    JsonNode m = p.readValueAsTree();
                    for (Map.Entry<String, JsonNode> e : m.properties()) {
                        labels.put(Texts.cut(e.getKey()), Texts.cut(e.getValue().asText()));
                    }
                } else if (key.equals("values") && p.currentToken() == JsonToken.START_ARRAY) {
                    List<double[]> samples = new ArrayList<>();
                    while (p.nextToken() == JsonToken.START_ARRAY) {
                        if (samples.size() >= maxPoints) {
                            throw new InputFormatException(what + ": a series of more than " + maxPoints + " samples (input limit)");
                        }
                        JsonNode s = p.readValueAsTree(); // the rest of [t, "v"]
                        samples.add(sample(s, what));
                    }
                    seconds = samples.stream().mapToDouble(s -> s[0]).toArray();
                    values = samples.stream().mapToDouble(s -> s[1]).toArray();
                } else {
                    p.skipChildren();
                }
            }
            out.add(new Series(Map.copyOf(labels), seconds, values));
        }
        return out;
    }

    private static double[] sample(JsonNode s, String what) throws InputFormatException {
        if (s == null || !s.isArray() || s.size() != 2 || !s.get(0).isNumber() || !s.get(1).isTextual()) {
            throw new InputFormatException(what + ": a sample is not [time, \"value\"]: " + Texts.cut(String.valueOf(s)));
        }
        try {
            String v = s.get(1).asText();
            double value = switch (v) {
                case "+Inf" -> Double.POSITIVE_INFINITY;
                case "-Inf" -> Double.NEGATIVE_INFINITY;
                default -> Double.parseDouble(v);
            };
            return new double[] {s.get(0).asDouble(), value};
        } catch (NumberFormatException e) {
            throw new InputFormatException(what + ": a sample's value is not a number: " + Texts.cut(s.get(1).asText()), e);
        }
    }
}
