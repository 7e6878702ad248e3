package io.iperf3j.export.exporter;

import io.iperf3j.IperfCommand;
import io.iperf3j.export.Durations;

import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;

/**
 * One {@code /probe} request, with iperf3_exporter's parameters: {@code target}
 * ({@code host}, {@code host:port}, {@code [v6]:port}; required), {@code port}
 * (default 5201; a port in the target wins), {@code reverse_mode}, {@code udp_mode}
 * (booleans), {@code bitrate} (iperf3's {@code -b} syntax; UDP defaults to 1M),
 * {@code period} (test length, a DURATION, default 5s) and {@code bind} ({@code -B}).
 *
 * @param target the target parameter as given (the log names it; the label is {@link #targetLabel()})
 * @param host the host to test against
 * @param port the server port (the {@code port} label)
 * @param reverse {@code -R}
 * @param udp {@code -u}
 * @param bitrate {@code -b}, or null
 * @param period {@code -t}
 * @param bind {@code -B}, or null
 */
public record ProbeRequest(String target, String host, int port, boolean reverse, boolean udp, String bitrate,
                           Duration period, String bind) {
    /** iperf3's default port. */
    public static final int DEFAULT_PORT = 5201;
    /** iperf3_exporter's default period. */
    public static final Duration DEFAULT_PERIOD = Duration.ofSeconds(5);

    /** Checks the fields. */
    public ProbeRequest {
        Objects.requireNonNull(target, "target");
        Objects.requireNonNull(host, "host");
        Objects.requireNonNull(period, "period");
        if (port < 1 || port > 65535) {
            throw new IllegalArgumentException("port must be between 1 and 65535");
        }
    }

    /**
     * Reads the parameters of a query string.
     *
     * @throws IllegalArgumentException with a message for the HTTP 400 answer
     */
    public static ProbeRequest fromQuery(String rawQuery) {
        Map<String, String> q = query(rawQuery);
        String target = q.get("target");
        if (target == null || target.isBlank()) {
            throw new IllegalArgumentException("'target' parameter must be specified");
        }
        target = target.trim();
        String host = target;
        Integer targetPort = null;
        if (target.startsWith("[")) {
            int close = target.indexOf(']');
            if (close < 0) {
                throw new IllegalArgumentException("invalid target '" + target + "'");
            }
            host = target.substring(1, close);
            String rest = target.substring(close + 1);
            if (rest.startsWith(":")) {
                targetPort = port(rest.substring(1));
            } else if (!rest.isEmpty()) {
                throw new IllegalArgumentException("invalid target '" + target + "'");
            }
        } else if (target.indexOf(':') >= 0 && target.indexOf(':') == target.lastIndexOf(':')) {
            host = target.substring(0, target.indexOf(':'));
            targetPort = port(target.substring(target.indexOf(':') + 1));
        }
        if (host.isEmpty()) {
            throw new IllegalArgumentException("invalid target '" + target + "'");
        }
        int port = targetPort != null ? targetPort : q.containsKey("port") ? port(q.get("port")) : DEFAULT_PORT;
        boolean reverse = bool("reverse_mode", q.get("reverse_mode"));
        boolean udp = bool("udp_mode", q.get("udp_mode"));
        String bitrate = blankToNull(q.get("bitrate"));
        if (bitrate == null && udp) {
            bitrate = "1M";
        }
        Duration period = q.containsKey("period") ? Durations.parse("period", q.get("period")) : DEFAULT_PERIOD;
        return new ProbeRequest(target, host, port, reverse, udp, bitrate, period, blankToNull(q.get("bind")));
    }

    /** The test this probe runs. */
    public IperfCommand command() {
        IperfCommand c = IperfCommand.client(host).port(port).duration(period);
        if (reverse) {
            c.reverse();
        }
        if (udp) {
            c.udp();
        }
        if (bitrate != null) {
            c.args("-b", bitrate);
        }
        if (bind != null) {
            c.bind(bind);
        }
        return c;
    }

    /**
     * The {@code target} label: the host alone, lower case, an IPv6 address without brackets; the port is the
     * {@code port} label. So {@code target=H:P} and {@code target=H&port=P} (and {@code [v6]:P} and
     * {@code v6&port=P}) give the same labels, one series per target and port (issue 57: two forms made two).
     */
    public String targetLabel() {
        return host.toLowerCase(Locale.ROOT);
    }

    /** Probes of one key run one at a time. */
    String key() {
        return host.toLowerCase(Locale.ROOT) + "|" + port;
    }

    private static int port(String s) {
        try {
            int p = Integer.parseInt(s.trim());
            if (p >= 1 && p <= 65535) {
                return p;
            }
        } catch (NumberFormatException e) {
            // reported below
        }
        throw new IllegalArgumentException("invalid port '" + s + "'");
    }

    private static boolean bool(String name, String v) {
        if (v == null || v.isBlank()) {
            return false;
        }
        return switch (v.trim().toLowerCase(Locale.ROOT)) {
            case "1", "true", "yes", "on" -> true;
            case "0", "false", "no", "off" -> false;
            default -> throw new IllegalArgumentException("invalid " + name + " '" + v + "'");
        };
    }

    private static String blankToNull(String s) {
        return s == null || s.isBlank() ? null : s.trim();
    }

    static Map<String, String> query(String raw) {
        Map<String, String> out = new LinkedHashMap<>();
        if (raw == null || raw.isEmpty()) {
            return out;
        }
        for (String pair : raw.split("&")) {
            if (pair.isEmpty()) {
                continue;
            }
            int eq = pair.indexOf('=');
            String k = URLDecoder.decode(eq < 0 ? pair : pair.substring(0, eq), StandardCharsets.UTF_8);
            String v = eq < 0 ? "" : URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8);
            out.putIfAbsent(k, v);
        }
        return out;
    }
}
