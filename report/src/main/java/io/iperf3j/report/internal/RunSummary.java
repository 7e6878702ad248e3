package io.iperf3j.report.internal;

import io.iperf3j.internal.subcommand.HostPort;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.iperf3j.IperfLatency;
import io.iperf3j.IperfRun;
import io.iperf3j.IperfSample;
import io.iperf3j.IperfSummary;
import io.iperf3j.Role;
import io.iperf3j.Transport;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.OptionalDouble;
import java.util.OptionalLong;

/**
 * The facts a report's header shows, taken from a run's {@code start} and {@code end} as core's reader typed them:
 * who to whom, protocol, streams, duration, the sender and receiver rates, retransmits, loss, versions and an
 * equivalent command line (iperf3's JSON does not record the command itself). Figures absent from the input are
 * absent here (never shown as 0); a whole number is written as an integer, as cJSON prints it.
 */
final class RunSummary {
    private RunSummary() {
    }

    static ObjectNode of(IperfRun run, Optional<IperfRun.Start> serverStart, String error, boolean bidir) {
        ObjectNode s = JsonNodeFactory.instance.objectNode();
        Optional<IperfRun.Start> start = run.start();
        Optional<IperfRun.TestStart> ts = start.flatMap(IperfRun.Start::test);
        Optional<IperfRun.Connected> connected = start.flatMap(st -> st.connected().stream().findFirst());
        boolean serverDocument = run.role().orElse(Role.CLIENT) == Role.SERVER;
        s.put("role", serverDocument ? "server" : "client");
        if (serverDocument) {
            IperfRun.Endpoint a = start.orElseThrow().acceptedConnection().orElseThrow();
            putText(s, "client", HostPort.of(a.host(), a.port()));
            connected.ifPresent(c -> putText(s, "server", HostPort.of(c.localHost(), c.localPort())));
        } else {
            connected.ifPresent(c -> putText(s, "client", HostPort.of(c.localHost(), c.localPort())));
            Optional<IperfRun.Endpoint> to = start.flatMap(IperfRun.Start::connectingTo);
            if (to.isPresent()) {
                putText(s, "server", HostPort.of(to.get().host(), to.get().port()));
            } else {
                connected.ifPresent(c -> putText(s, "server", HostPort.of(c.remoteHost(), c.remotePort())));
            }
        }
        ts.ifPresent(t -> {
            s.put("protocol", t.protocol().name());
            number(s, "streams", t.numStreams());
            number(s, "duration", t.duration());
            number(s, "bytes", t.bytes());
            number(s, "blocks", t.blocks());
            number(s, "omit", t.omit());
            number(s, "blksize", t.blksize());
            number(s, "target_bitrate", t.targetBitrate());
        });
        boolean reverse = ts.map(IperfRun.TestStart::reverse).orElse(false);
        boolean bidirFlag = bidir || ts.flatMap(IperfRun.TestStart::bidir).orElse(false)
                || run.summary().flatMap(IperfSummary::reverse).isPresent();
        s.put("mode", bidirFlag ? "bidir" : reverse ? "reverse" : "normal");
        start.ifPresent(st -> {
            putText(s, "version", st.version());
            putText(s, "system_info", st.systemInfo());
            st.time().ifPresent(t -> putText(s, "time", t));
        });
        serverStart.ifPresent(st -> {
            putText(s, "remote_version", st.version());
            putText(s, "remote_system_info", st.systemInfo());
        });
        run.summary().ifPresent(sum -> {
            rates(sum, s, "");
            sum.reverse().ifPresent(r -> rates(r, s, "reverse_"));
            sum.udpSum().ifPresent(udp -> {
                number(s, "jitter_ms", udp.jitterMillis());
                number(s, "lost_packets", udp.lostPackets());
                number(s, "packets", udp.packets());
                number(s, "lost_percent", udp.lostPercent());
            });
            sum.reverse().flatMap(IperfSummary::udpSum).ifPresent(udp -> {
                number(s, "reverse_jitter_ms", udp.jitterMillis());
                number(s, "reverse_lost_percent", udp.lostPercent());
            });
            sum.outOfOrder().ifPresent(n -> s.put("out_of_order", n));
            number(s, "cpu_local_percent", sum.cpuLocalPercent());
            number(s, "cpu_remote_percent", sum.cpuRemotePercent());
            sum.senderCongestion().ifPresent(c -> putText(s, "sender_congestion", c));
            sum.receiverCongestion().ifPresent(c -> putText(s, "receiver_congestion", c));
        });
        if (error != null) {
            s.put("error", error);
        }
        // --get-server-output against a server without -J: its text, shown on the page as it printed it
        run.serverOutputText().ifPresent(t -> s.put("server_output_text", Texts.cut(t, InputLimits.MAX_SERVER_TEXT_CHARS)));
        s.put("command", command(run, ts, run.latency(), bidirFlag, reverse));
        return s;
    }

    private static void rates(IperfSummary sum, ObjectNode s, String prefix) {
        IperfSample sent = sum.sent();
        IperfSample received = sum.received();
        number(s, prefix + "sender_bits_per_second", sent.bitsPerSecond());
        number(s, prefix + "receiver_bits_per_second", received.bitsPerSecond());
        number(s, prefix + "sender_bytes", sent.bytes());
        number(s, prefix + "receiver_bytes", received.bytes());
        number(s, prefix + "retransmits", sent.retransmits());
    }

    /** iperf3's options that the start object records, as a command line. */
    private static String command(IperfRun run, Optional<IperfRun.TestStart> test, Optional<IperfLatency> latency,
                                  boolean bidir, boolean reverse) {
        // --latency (docs/design/latency.md) is iperf3j's own option
        List<String> args = new ArrayList<>(List.of(latency.isPresent() ? "iperf3j" : "iperf3"));
        Optional<IperfRun.Start> start = run.start();
        if (run.role().orElse(Role.CLIENT) == Role.SERVER) {
            args.add("-s");
        } else {
            Optional<IperfRun.Endpoint> to = start.flatMap(IperfRun.Start::connectingTo);
            args.add("-c");
            args.add(to.map(IperfRun.Endpoint::host).orElse(start.flatMap(st -> st.connected().stream().findFirst())
                    .map(IperfRun.Connected::remoteHost).orElse("HOST")));
            int port = to.map(IperfRun.Endpoint::port).orElse(5201);
            if (port != 5201) {
                args.add("-p");
                args.add(Integer.toString(port));
            }
        }
        if (test.isPresent()) {
            IperfRun.TestStart ts = test.get();
            if (ts.protocol() == Transport.UDP) {
                args.add("-u");
            }
            if (ts.numStreams() > 1) {
                args.add("-P");
                args.add(Integer.toString(ts.numStreams()));
            }
            if (ts.bytes() > 0) {
                args.add("-n");
                args.add(Long.toString(ts.bytes()));
            } else if (ts.blocks() > 0) {
                args.add("-k");
                args.add(Long.toString(ts.blocks()));
            } else {
                args.add("-t");
                args.add(text(ts.duration()));
            }
            if (ts.omit() > 0) {
                args.add("-O");
                args.add(Integer.toString(ts.omit()));
            }
            long rate = ts.targetBitrate();
            if (rate > 0 && !(rate == 1_000_000 && ts.protocol() == Transport.UDP)) {
                args.add("-b");
                args.add(Long.toString(rate));
            }
        }
        if (bidir) {
            args.add("--bidir");
        } else if (reverse) {
            args.add("-R");
        }
        if (run.serverOutput().isPresent() || run.serverOutputText().isPresent()) {
            args.add("--get-server-output");
        }
        if (latency.isPresent()) {
            long every = latency.get().intervalMs() == 0 ? 10 : latency.get().intervalMs();
            args.add(every == 10 ? "--latency" : "--latency=" + every);
        }
        args.add("-J");
        return String.join(" ", args);
    }


    private static void putText(ObjectNode s, String key, String value) {
        if (value != null && !value.isEmpty()) {
            s.put(key, Texts.cut(value));
        }
    }

    /** A whole number as an integer (as cJSON prints it), NaN left out. */
    static void number(ObjectNode s, String key, double v) {
        if (Double.isNaN(v)) {
            return;
        }
        if (v == Math.rint(v) && Math.abs(v) < 0x1p53) {
            s.put(key, (long) v);
        } else {
            s.put(key, v);
        }
    }

    private static void number(ObjectNode s, String key, OptionalDouble v) {
        v.ifPresent(x -> number(s, key, x));
    }

    private static void number(ObjectNode s, String key, OptionalLong v) {
        v.ifPresent(x -> s.put(key, x));
    }

    private static String text(double v) {
        return v == Math.rint(v) && Math.abs(v) < 0x1p53 ? Long.toString((long) v) : Double.toString(v);
    }
}
