package io.iperf3j.session.internal;

import io.iperf3j.export.PushGatewayClient;
import io.iperf3j.export.PushGatewayConfig;
import io.iperf3j.session.TestOutcome;
import io.iperf3j.session.TestResult;
import java.util.Locale;
import java.util.function.Consumer;

/**
 * Pushes each finished test to a Pushgateway through the export module's
 * {@link PushGatewayClient}: one group per pair ({@code job}, {@code sender},
 * {@code receiver}, {@code direction}, {@code protocol}), replaced by the pair's latest
 * result, so the gateway holds the fleet's matrix. The export module's encoder is built
 * for interval samples of one running test; these are whole-test gauges, so their few
 * text lines are written here. Called on the plan's result thread; a failed push is a
 * warning, never a failed test.
 */
public final class ResultPush implements Consumer<TestResult> {
    private final String endpoint;
    private final String job;
    private final Consumer<String> warnings;

    /** Pushes to {@code endpoint} under {@code job}. */
    public ResultPush(String endpoint, String job, Consumer<String> warnings) {
        PushGatewayConfig.parseEndpoint(endpoint);
        this.endpoint = endpoint;
        this.job = job;
        this.warnings = warnings;
    }

    /** The exposition pushed for one result. */
    public static String exposition(TestResult r) {
        StringBuilder sb = new StringBuilder();
        gauge(sb, "iperf3j_session_test_ok", "1 if the pair's last test ran, 0 if it failed", r.ok() ? 1 : 0);
        if (r.outcome() instanceof TestOutcome.Completed c) {
            gauge(sb, "iperf3j_session_sent_bits_per_second", "the sender's rate over the test", c.sentBitsPerSecond());
            gauge(sb, "iperf3j_session_received_bits_per_second", "the receiver's rate over the test", c.receivedBitsPerSecond());
            gauge(sb, "iperf3j_session_received_bytes", "bytes the receiver got", c.receivedBytes());
        }
        return sb.toString();
    }

    private static void gauge(StringBuilder sb, String name, String help, double value) {
        sb.append("# HELP ").append(name).append(' ').append(help).append('\n');
        sb.append("# TYPE ").append(name).append(" gauge\n");
        sb.append(name).append(' ').append(Double.isFinite(value) ? String.format(Locale.ROOT, "%.17g", value) : "NaN")
                .append('\n');
    }

    @Override
    public void accept(TestResult r) {
        PushGatewayConfig config = PushGatewayConfig.builder(endpoint).job(job).label("sender", r.sender())
                .label("receiver", r.receiver()).label("direction", r.direction())
                .label("protocol", r.spec().protocol().name().toLowerCase(Locale.ROOT)).build();
        try {
            new PushGatewayClient(config).put(exposition(r));
        } catch (PushGatewayClient.PushException e) {
            warnings.accept("push of " + r.id() + " failed: " + e.getMessage());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
