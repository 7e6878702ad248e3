package io.iperf3j.session.internal.output;

import io.iperf3j.Transport;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;
import java.util.Locale;
import io.iperf3j.session.Node;
import io.iperf3j.session.internal.host.RemoteIperf;

/**
 * The seed's raw-output file names: {@code tcp_}/{@code udp_}, the base name (client
 * only), the test's direction word and the side ({@code _tx_} the client, {@code _rx_} the server), then the name;
 * {@code {t}} becomes the time ({@code %Y%m%d%H%M%S}) and an existing file is never overwritten: {@code _002},
 * {@code _003}, … are added instead. One word for both files of a test ({@link #direction}): {@code downstream} when
 * the traffic PC sends to a node, {@code upstream} when a node sends to it (the seed's words, which it gave each side
 * by that side's role), and between two nodes the test's own direction (issue 57: an {@code up} test between two
 * nodes had {@code upstream_tx} and {@code downstream_rx}). Pure apart from {@link #unique}, which looks at the directory.
 */
public final class OutputNaming {
    private static final DateTimeFormatter STAMP = DateTimeFormatter.ofPattern("yyyyMMddHHmmss");

    private OutputNaming() {
    }

    /**
     * The one direction word of a test's raw files: {@code downstream} when the traffic PC sends (to a node),
     * {@code upstream} when it receives; else (two nodes, or two traffic PCs) the test's direction: {@code up} (the
     * first host sends) {@code upstream}, {@code down} {@code downstream}, {@code bidir} {@code bidir}; any other word
     * (the seed's {@code downlink}, {@code to_node} …, which always have a traffic PC) {@code upstream}.
     */
    public static String direction(Node.Role sender, Node.Role receiver, String testDirection) {
        if (sender == Node.Role.TRAFFIC_PC && receiver != Node.Role.TRAFFIC_PC) {
            return "downstream";
        }
        if (receiver == Node.Role.TRAFFIC_PC && sender != Node.Role.TRAFFIC_PC) {
            return "upstream";
        }
        return switch (testDirection) {
            case "down" -> "downstream";
            case "bidir" -> "bidir";
            default -> "upstream";
        };
    }

    /** The file name for one side's output, {@code direction} the test's word ({@link #direction}). */
    public static String raw(Transport protocol, RemoteIperf.Mode mode, String direction, String base, String name) {
        StringBuilder sb = new StringBuilder(protocol.name().toLowerCase(Locale.ROOT)).append('_');
        if (mode == RemoteIperf.Mode.CLIENT && !base.isEmpty()) {
            sb.append(base).append('_');
        }
        sb.append(direction).append(mode == RemoteIperf.Mode.CLIENT ? "_tx_" : "_rx_");
        return sb.append(name).toString();
    }

    /** {@code {t}} replaced by {@code time}. */
    public static String stamp(String name, LocalDateTime time) {
        return name.replace("{t}", STAMP.format(time));
    }

    /**
     * A path in {@code dir} for {@code name} that does not exist yet ({@code name}, then {@code name_002}, …, before the
     * extension): no file, and no symbolic link, dangling or not, is there (issue 55: a link is never written through).
     */
    public static Path unique(Path dir, String name) {
        Path p = dir.resolve(name);
        if (!Files.exists(p, LinkOption.NOFOLLOW_LINKS)) {
            return p;
        }
        int dot = name.lastIndexOf('.');
        String stem = dot > 0 ? name.substring(0, dot) : name;
        String ext = dot > 0 ? name.substring(dot) : "";
        for (int i = 2; i < 100_000; i++) {
            Path q = dir.resolve(String.format("%s_%03d%s", stem, i, ext));
            if (!Files.exists(q, LinkOption.NOFOLLOW_LINKS)) {
                return q;
            }
        }
        throw new IllegalStateException("no free name for " + name + " in " + dir);
    }
}
