package io.iperf3j.session.internal.agent;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import io.iperf3j.ServerEvent;
import io.iperf3j.ServerEvents;
import io.iperf3j.session.Node;
import io.iperf3j.session.Plan;
import io.iperf3j.session.internal.files.OwnFiles;
import java.io.IOException;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Instant;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;
import java.util.function.Supplier;

/**
 * The agent's {@code served.jsonl}: one line for each test its server ran, written when it ends, so that the host's own
 * records hold both of its ends ({@code tests.jsonl} the tests it sent): {@code from} (the plan's host whose address the
 * client came from, null for none), {@code from_address}, {@code to} (this host), {@code started}, {@code ended},
 * {@code result} ({@code ok}, {@code cut}, ...), {@code received_bytes}. A server's {@link ServerEvents}: raised on the
 * tests' threads, it writes one line and nothing more (a failed write is dropped, as the server ignores what a listener
 * throws).
 */
final class ServedFile implements ServerEvents {
    /** The file's name. */
    static final String NAME = "served.jsonl";
    private static final JsonFactory JSON = new JsonFactory();

    private final Path file;
    private final String me;
    private final Supplier<Plan> plan;
    /** The plan whose hosts {@link #hostsByAddress} maps (guarded by this). */
    private Plan mapped;
    private Map<String, String> hostsByAddress = Map.of();
    /** When each running test started (guarded by this). */
    private final Map<Long, Instant> started = new HashMap<>();

    /** @param plan the plan that runs now (a plan read again names the hosts it added) */
    ServedFile(Path dir, Supplier<Plan> plan, Node me) {
        this.file = dir.resolve(NAME);
        this.me = me.id();
        this.plan = plan;
    }

    /** The plan's host whose address {@code address} is, if any (the map made again when the plan changed). */
    private synchronized String host(String address) {
        Plan now = plan.get();
        if (now != mapped) {
            Map<String, String> m = new HashMap<>();
            for (Node n : now.hosts()) {
                m.putIfAbsent(AgentHost.literal(n.address()), n.id());
            }
            hostsByAddress = m;
            mapped = now;
        }
        return hostsByAddress.get(address);
    }

    @Override
    public void on(ServerEvent event) {
        switch (event) {
            case ServerEvent.Started s -> {
                synchronized (this) {
                    started.put(s.test(), s.time());
                }
            }
            case ServerEvent.Ended e -> ended(e);
            default -> {
                // accepted, queued, left, refused, intervals: not a test's span
            }
        }
    }

    private void ended(ServerEvent.Ended e) {
        Instant began;
        synchronized (this) {
            began = started.remove(e.test());
        }
        if (began == null) {
            return; // took a place but never started (refused after its handshake)
        }
        StringWriter w = new StringWriter();
        try (JsonGenerator g = JSON.createGenerator(w)) {
            g.writeStartObject();
            String from = host(e.address());
            if (from == null) {
                g.writeNullField("from");
            } else {
                g.writeStringField("from", from);
            }
            g.writeStringField("from_address", e.address());
            g.writeStringField("to", me);
            g.writeStringField("started", began.toString());
            g.writeStringField("ended", e.time().toString());
            g.writeStringField("result", e.result().name().toLowerCase(Locale.ROOT));
            g.writeNumberField("received_bytes", e.receivedBytes());
            g.writeEndObject();
        } catch (IOException x) {
            throw new UncheckedIOException(x);
        }
        synchronized (this) {
            try {
                OwnFiles.append(file, (w + "\n").getBytes(StandardCharsets.UTF_8));
            } catch (IOException x) {
                // a listener must not throw: the line is lost, the test is not
            }
        }
    }
}
