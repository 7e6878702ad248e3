package io.iperf3j;

import io.iperf3j.internal.json.CJsonWriter;
import io.iperf3j.internal.json.JsonObject;
import io.iperf3j.internal.why.WhyJson;

import java.util.Collections;
import java.util.Map;
import java.util.Optional;

/**
 * How one test ended: the JSON document iperf3 would print with {@code -J} (also
 * on failure, then with its {@code error} field), and a typed summary.
 * Immutable.
 */
public final class IperfResult {
    private final Role role;
    private final JsonObject document;
    private final boolean cancelled;
    private final Map<String, Object> map;
    private volatile IperfRun run;

    IperfResult(Role role, JsonObject document, boolean cancelled) {
        this.role = role;
        this.document = document.copy();
        this.cancelled = cancelled;
        this.map = Collections.unmodifiableMap(this.document.toMap());
    }

    /** Which side ran the test. */
    public Role role() {
        return role;
    }

    /**
     * The JSON document as nested maps, lists, strings, numbers and booleans, in
     * iperf3's key order. Where iperf3 3.12 repeats a key, the last value is kept.
     */
    public Map<String, Object> json() {
        return map;
    }

    /** The document exactly as {@code iperf3 -J} prints it (tab-indented, ending with a newline). */
    public String jsonText() {
        return CJsonWriter.standard().pretty(document) + "\n";
    }

    /** iperf3's error message (the JSON {@code error} field), if the test failed. */
    public Optional<String> error() {
        return Optional.ofNullable(document.getString("error"));
    }

    /** Whether the test ran to its end without error. */
    public boolean succeeded() {
        return !document.has("error");
    }

    /** Whether the run was ended by {@link RunningIperf#cancel()}. */
    public boolean cancelled() {
        return cancelled;
    }

    /**
     * The document read back by {@link IperfJsonReader} with {@link IperfJsonLimits#TRUSTED}: intervals, summary,
     * latency. Read at the first call and kept.
     */
    public IperfRun run() {
        IperfRun r = run;
        if (r == null) {
            IperfJsonRead read = IperfJsonReader.read(jsonText(), IperfJsonLimits.TRUSTED);
            if (!(read instanceof IperfJsonRead.Read ok)) {
                throw new IllegalStateException("iperf3j's own document was not read back: " + read);
            }
            r = ok.last();
            run = r;
        }
        return r;
    }

    /** End figures, if the test got as far as its summary ({@code run().summary()}). */
    public Optional<IperfSummary> summary() {
        return run().summary();
    }

    /**
     * What held the test back ({@link IperfCommand#why()}, {@code --why}): the verdicts of the document's
     * {@code end.iperf3j_why}, as values; empty when the test ran without it or ended before its summary.
     */
    public Optional<Why> why() {
        return WhyJson.read(document);
    }

    @Override
    public String toString() {
        return "IperfResult[" + role + (cancelled ? ", cancelled" : "") + error().map(e -> ", error=" + e).orElse("")
                + summary().map(s -> ", sent=" + s.sent().bytes() + " B, received=" + s.received().bytes() + " B").orElse("")
                + "]";
    }
}
