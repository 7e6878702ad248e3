package io.iperf3j.report.internal;

import io.iperf3j.IperfJsonLimits;
import io.iperf3j.IperfJsonRead;
import io.iperf3j.IperfJsonReader;
import io.iperf3j.IperfRun;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;

/**
 * Reads one run: an iperf3 -J document or a --json-stream file, from iperf3 3.12 and newer or iperf3j,
 * with core's {@link IperfJsonReader} (one reader of iperf3's JSON for every module). Intervals go to the
 * {@link RunAccumulator} one at a time, so an hour at {@code -i 0.1} never sits in memory as a whole.
 * A stream cut in its last line is still rejected here (showing a partial run is a follow-up).
 */
public final class RunReader {
    /** Inputs up to this size are embedded as plain text; larger ones gzip'd. */
    static final int PLAIN_EMBED_LIMIT = 256 * 1024;

    /** What a user who saved iperf3's text output is told (issue 57: "not valid JSON" alone left them there). */
    static final String TEXT_OUTPUT = "not iperf3 JSON output (it looks like iperf3's text output):"
            + " run iperf3 (or iperf3j) with -J or --json-stream and save its stdout,"
            + " e.g. iperf3 -c HOST -J > run.json, then iperf3j report run.json";

    /**
     * Lines only iperf3's (and iperf3j's) text output has, anywhere in a line ({@code -T} and {@code --timestamps}
     * put a prefix before them): the client's and server's headers, the interval table, the end.
     */
    private static final java.util.regex.Pattern TEXT_LINE = java.util.regex.Pattern.compile(
            "Connecting to host \\S+, port \\d+|Server listening on \\d+|Accepted connection from "
            + "|\\[ ID] Interval +Transfer|\\[ *(\\d+|SUM)] +\\d+\\.\\d+-\\d+\\.\\d+ +sec |^iperf Done\\.$"
            + "|^iperf3j?: (error|interrupt|parameter error) - ");

    private RunReader() {
    }

    /** Whether the first 8 KiB of the input hold a line of iperf3's text output. */
    private static boolean looksLikeText(InputSource source) {
        try (InputStream in = source.open()) {
            String head = new String(in.readNBytes(8192), java.nio.charset.StandardCharsets.UTF_8);
            return head.lines().anyMatch(l -> TEXT_LINE.matcher(l).find());
        } catch (IOException e) {
            return false;
        }
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
        IperfJsonRead read;
        try (InputStream in = source.open()) {
            read = IperfJsonReader.read(in, IperfJsonLimits.DEFAULT.withMaxRuns(1), run);
        } catch (IOException e) {
            throw new InputFormatException(source.name() + ": cannot read: " + e.getMessage(), e);
        } catch (RunAccumulator.Unchecked e) {
            throw e.getCause();
        }
        if (read instanceof IperfJsonRead.Rejected rejected) {
            if (rejected.reason() == IperfJsonRead.Reason.NOT_JSON && rejected.line() == 1 && looksLikeText(source)) {
                throw new InputFormatException(source.name() + ": " + TEXT_OUTPUT);
            }
            throw new InputFormatException(source.name() + ": " + rejected.message());
        }
        IperfJsonRead.Read ok = (IperfJsonRead.Read) read;
        IperfRun r = ok.last();
        // a stream cut in its last line (D14): the reader keeps the lines before it, the report rejects the file
        var cut = ok.notes().stream().filter(n -> n.contains(" is cut: ")).findFirst();
        if (cut.isPresent()) {
            String n = cut.get();
            throw new InputFormatException(source.name() + ": " + n.substring(n.indexOf(" is cut: ") + " is cut: ".length()));
        }
        RawInput raw = raw(source, size, r.format() == io.iperf3j.IperfJsonFormat.JSON ? "application/json"
                : "application/x-ndjson");
        return run.build(label, raw, r);
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
