package io.iperf3j.report.internal;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.List;

/**
 * Writes the whole self-contained page: styles (uPlot's and the report's), the data model,
 * each input's raw text, uPlot's script and the report's script, all inline. Nothing is fetched
 * when the page opens. The report's own CSS and script are resources beside this class
 * ({@code report.css}, {@code units.js}, {@code report.js}); uPlot is vendored in the repository (see report/vendor/).
 */
public final class PageWriter {
    private static final String VENDOR = "vendor/";
    /** A model up to this size is embedded as plain JSON; a larger one (long runs) gzip'd. */
    static final int PLAIN_MODEL_LIMIT = 1 << 20;
    /**
     * A page of more runs (a session's, or more history tests) than this is a fleet's: it opens on the overview and
     * draws each run's charts when the run is opened (report.js reads the number from {@code <main data-eager-limit>}),
     * and its runs' raw inputs are one gzip stream ({@code iperf3j-raw-pack}), not one element each: the outputs of a
     * mesh are alike, so together they pack to a fraction of their separate sizes (docs/design/report.md, page weight).
     */
    public static final int EAGER_LIMIT = 64;

    private PageWriter() {
    }

    /** @param history a scheduled session's history, or null */
    public static void write(Writer out, String title, List<RunDocument> runs, List<SessionTest> session, String sessionDir,
            History history) throws IOException {
        write(out, title, runs, session, sessionDir, history, null);
    }

    /** @param staleAfter with a history: a latest result older than this needs a look (as one older than its cycle), or null */
    public static void write(Writer out, String title, List<RunDocument> runs, List<SessionTest> session, String sessionDir,
            History history, java.time.Duration staleAfter) throws IOException {
        out.write("<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n");
        out.write("<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n");
        out.write("<meta name=\"color-scheme\" content=\"light dark\">\n");
        out.write("<meta name=\"generator\" content=\"iperf3j report; charts: uPlot " + escapeHtml(uplotVersion()) + "\">\n");
        out.write("<title>" + escapeHtml(title) + "</title>\n<style>\n");
        out.write(resource(VENDOR + "uPlot.min.css"));
        out.write("\n");
        out.write(resource("report.css"));
        out.write("\n</style>\n");
        // First script: shows any error of the scripts below on the page instead of a blank page.
        out.write("<script>\n");
        out.write(resource("errors.js"));
        out.write("\n</script>\n</head>\n<body>\n");
        out.write("<noscript><p class=\"noscript\">This report draws its charts with JavaScript; the data is embedded in this file"
                + " (script elements iperf3j-model and iperf3j-raw-N, or iperf3j-raw-pack holding them all).</p></noscript>\n");
        out.write("<main id=\"report\" data-eager-limit=\"" + EAGER_LIMIT + "\"></main>\n");
        java.io.StringWriter model = new java.io.StringWriter(1 << 16);
        ModelWriter.write(model, title, runs, session, sessionDir, history, staleAfter);
        byte[] modelBytes = model.toString().getBytes(StandardCharsets.UTF_8);
        boolean gzipModel = modelBytes.length > PLAIN_MODEL_LIMIT || runs.size() > EAGER_LIMIT;
        out.write("<script type=\"application/json\" id=\"iperf3j-model\" data-encoding=\""
                + (gzipModel ? "gzip+base64" : "text") + "\" data-size=\"" + modelBytes.length + "\">");
        if (gzipModel) {
            out.write(Base64.getMimeEncoder(120, new byte[] {'\n'}).encodeToString(Gzip.compress(modelBytes)));
        } else {
            out.write(model.toString());
        }
        out.write("</script>\n");
        if (runs.size() > EAGER_LIMIT) {
            writeRawPack(out, runs);
        } else {
            for (int i = 0; i < runs.size(); i++) {
                RawInput raw = runs.get(i).raw();
                if (raw != null) {
                    writeRaw(out, i, raw);
                }
            }
        }
        out.write("<script>\n/* uPlot " + uplotVersion().replace("*/", "") + " (MIT licence):\n");
        out.write(resource(VENDOR + "uPlot.LICENSE").replace("*/", "* /"));
        out.write("*/\n");
        out.write(resource(VENDOR + "uPlot.iife.min.js"));
        out.write("\n</script>\n<script>\n");
        // units.js first: report.js formats every number with its iperf3jUnits
        out.write(resource("units.js"));
        out.write("\n</script>\n<script>\n");
        out.write(resource("report.js"));
        out.write("\n</script>\n</body>\n</html>\n");
    }

    private static void writeRaw(Writer out, int index, RawInput raw) throws IOException {
        out.write("<script type=\"" + raw.mediaType() + "\" id=\"iperf3j-raw-" + index + "\" data-encoding=\""
                + (raw.gzipped() ? "gzip+base64" : "text") + "\" data-size=\"" + raw.originalSize() + "\">");
        if (raw.gzipped()) {
            out.write(Base64.getMimeEncoder(120, new byte[] {'\n'}).encodeToString(raw.bytes()));
        } else {
            // '<' can only occur inside JSON strings, where \u003c means the same character.
            out.write(new String(raw.bytes(), StandardCharsets.UTF_8).replace("<", "\\u003c"));
        }
        out.write("</script>\n");
    }

    /**
     * Every run's raw input, one after another in one gzip stream (base64), with {@code data-entries}: per run with
     * an input, {@code [run index, first byte, end byte, media type]} in the unpacked bytes.
     */
    private static void writeRawPack(Writer out, List<RunDocument> runs) throws IOException {
        java.io.ByteArrayOutputStream packed = new java.io.ByteArrayOutputStream(1 << 20);
        StringBuilder entries = new StringBuilder("[");
        long at = 0;
        try (java.io.OutputStream gz = Gzip.output(packed)) {
            for (int i = 0; i < runs.size(); i++) {
                RawInput raw = runs.get(i).raw();
                if (raw == null) {
                    continue;
                }
                long n;
                if (raw.gzipped()) {
                    try (InputStream in = new java.util.zip.GZIPInputStream(new java.io.ByteArrayInputStream(raw.bytes()))) {
                        n = in.transferTo(gz);
                    }
                } else {
                    gz.write(raw.bytes());
                    n = raw.bytes().length;
                }
                entries.append(entries.length() > 1 ? "," : "").append('[').append(i).append(',').append(at).append(',')
                        .append(at + n).append(",\"").append(raw.mediaType()).append("\"]");
                at += n;
            }
        }
        entries.append(']');
        out.write("<script type=\"application/octet-stream\" id=\"iperf3j-raw-pack\" data-encoding=\"gzip+base64\" data-size=\""
                + at + "\" data-entries=\"" + escapeHtml(entries.toString()) + "\">");
        out.write(Base64.getMimeEncoder(120, new byte[] {'\n'}).encodeToString(packed.toByteArray()));
        out.write("</script>\n");
    }

    /** The vendored uPlot's "name version integrity" line. */
    public static String uplotVersion() {
        return resource(VENDOR + "VERSION").strip();
    }

    static String resource(String name) {
        try (InputStream in = PageWriter.class.getResourceAsStream(name)) {
            if (in == null) {
                throw new IllegalStateException("report resource " + name + " missing from the build (uPlot is committed in"
                        + " report/src/main/resources; report/vendor/update-uplot.sh updates it)");
            }
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static String escapeHtml(String s) {
        return s.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace("\"", "&quot;");
    }
}
