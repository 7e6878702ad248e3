package io.iperf3j.report.internal;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;

/**
 * Reads one run: an iperf3 -J document (one JSON object with start, intervals, end and maybe
 * error) or a --json-stream file (one {@code {"event":..., "data":...}} object per line), from
 * iperf3 3.12 and newer or iperf3j. The format is told by the first key of the first object
 * ({@code event} for --json-stream, as both iperf3 and iperf3j write it). Intervals are read one
 * at a time, so an hour at {@code -i 0.1} never sits in memory as a JSON tree.
 *
 * <p>Why Jackson and not core's JSON: core's {@code io.iperf3j.json} is internal to core and
 * parses whole documents; Jackson streams.
 */
public final class RunReader {
    /** Inputs up to this size are embedded as plain text; larger ones gzip'd. */
    static final int PLAIN_EMBED_LIMIT = 256 * 1024;

    private static final ObjectMapper MAPPER = new ObjectMapper();

    private RunReader() {
    }

    public static RunDocument read(InputSource source, String label) throws InputFormatException {
        long size;
        try {
            size = source.size();
        } catch (IOException e) {
            throw new InputFormatException(source.name() + ": cannot read: " + e.getMessage(), e);
        }
        if (size > InputLimits.MAX_FILE_BYTES) {
            throw new InputFormatException(source.name() + ": " + size + " bytes, more than the limit of "
                    + InputLimits.MAX_FILE_BYTES + " bytes");
        }
        if (size == 0) {
            throw new InputFormatException(source.name() + ": empty file, not an iperf3 -J or --json-stream output");
        }
        RunAccumulator run = new RunAccumulator(source.name());
        boolean stream;
        try (InputStream in = source.open(); JsonParser p = MAPPER.createParser(in)) {
            JsonToken first = p.nextToken();
            if (first != JsonToken.START_OBJECT) {
                throw new InputFormatException(source.name() + ": not an iperf3 -J or --json-stream output (it does not start with a JSON object)");
            }
            JsonToken t = p.nextToken();
            stream = t == JsonToken.FIELD_NAME && p.currentName().equals("event");
            if (stream) {
                readStream(p, run, source.name());
            } else {
                readDocument(p, run, source.name());
                JsonToken after = p.nextToken();
                if (after != null) {
                    throw new InputFormatException(source.name() + ": more JSON after the -J document at " + where(p));
                }
            }
        } catch (JsonProcessingException e) {
            throw new InputFormatException(source.name() + ": not valid JSON at line " + e.getLocation().getLineNr()
                    + ", column " + e.getLocation().getColumnNr() + ": " + e.getOriginalMessage(), e);
        } catch (IOException e) {
            throw new InputFormatException(source.name() + ": cannot read: " + e.getMessage(), e);
        }
        if (!run.sawRunPart()) {
            throw new InputFormatException(source.name() + ": JSON, but not an iperf3 -J or --json-stream output"
                    + " (no start, intervals, end or error)");
        }
        RawInput raw = raw(source, size, stream ? "application/x-ndjson" : "application/json");
        return run.build(label, raw);
    }

    /** After the opening brace of a -J document and its first field name. */
    private static void readDocument(JsonParser p, RunAccumulator run, String name) throws IOException, InputFormatException {
        String title = null;
        String extra = null;
        for (JsonToken t = p.currentToken(); t != JsonToken.END_OBJECT; t = p.nextToken()) {
            if (t != JsonToken.FIELD_NAME) {
                throw new InputFormatException(name + ": unexpected " + t + " at " + where(p));
            }
            String field = p.currentName();
            JsonToken value = p.nextToken();
            switch (field) {
                case "start" -> run.start(tree(p));
                case "end" -> run.end(tree(p));
                case "error" -> {
                    JsonNode e = tree(p);
                    run.error(e.isTextual() ? e.asText() : e.toString());
                }
                case "server_output_json" -> run.serverOutput(tree(p));
                case "title" -> title = value.isScalarValue() ? p.getValueAsString() : skip(p);
                case "extra_data" -> extra = value.isScalarValue() ? p.getValueAsString() : tree(p).toString();
                case "intervals" -> {
                    if (value != JsonToken.START_ARRAY) {
                        throw new InputFormatException(name + ": \"intervals\" is not an array (" + where(p) + ")");
                    }
                    while (p.nextToken() != JsonToken.END_ARRAY) {
                        run.interval(tree(p));
                    }
                }
                default -> p.skipChildren();
            }
        }
        run.titleAndExtra(title, extra);
    }

    /** After the opening brace of the first line and its "event" field name. */
    private static void readStream(JsonParser p, RunAccumulator run, String name) throws IOException, InputFormatException {
        int line = 0;
        JsonToken t = JsonToken.START_OBJECT;
        while (t != null) {
            line++;
            if (t != JsonToken.START_OBJECT) {
                throw new InputFormatException(name + ": --json-stream line " + line + " is not a JSON object (" + where(p) + ")");
            }
            JsonNode event = tree(p);
            String kind = event.path("event").asText(null);
            JsonNode data = event.path("data");
            if (kind == null) {
                throw new InputFormatException(name + ": --json-stream line " + line + " has no \"event\" key");
            }
            switch (kind) {
                case "start" -> run.start(data);
                case "interval" -> run.interval(data);
                case "end" -> run.end(data);
                case "error" -> run.error(data.isTextual() ? data.asText() : data.toString());
                case "server_output_json" -> run.serverOutput(data);
                default -> {
                    // other events (server_output_text, ...) are kept in the raw text only
                }
            }
            t = p.nextToken();
        }
    }

    private static JsonNode tree(JsonParser p) throws IOException {
        JsonNode n = MAPPER.readTree(p);
        return n == null ? MAPPER.nullNode() : n;
    }

    private static String skip(JsonParser p) throws IOException {
        p.skipChildren();
        return null;
    }

    private static String where(JsonParser p) {
        return "line " + p.currentLocation().getLineNr() + ", column " + p.currentLocation().getColumnNr();
    }

    static RawInput raw(InputSource source, long size, String mediaType) throws InputFormatException {
        try (InputStream in = source.open()) {
            ByteArrayOutputStream buffer = new ByteArrayOutputStream((int) Math.min(size, PLAIN_EMBED_LIMIT) + 64);
            if (size <= PLAIN_EMBED_LIMIT) {
                in.transferTo(buffer);
                return new RawInput(mediaType, buffer.toByteArray(), false, size);
            }
            try (OutputStream gz = Gzip.output(buffer)) {
                in.transferTo(gz);
            }
            return new RawInput(mediaType, buffer.toByteArray(), true, size);
        } catch (IOException e) {
            throw new InputFormatException(source.name() + ": cannot read: " + e.getMessage(), e);
        }
    }
}
