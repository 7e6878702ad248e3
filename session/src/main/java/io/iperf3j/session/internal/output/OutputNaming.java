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
 * only), the direction tag (client on a node {@code upstream_tx_}, client on the traffic
 * PC {@code downstream_tx_}, server on a node {@code downstream_rx_}, server on the
 * traffic PC {@code upstream_rx_}), then the name; {@code {t}} becomes the time
 * ({@code %Y%m%d%H%M%S}) and an existing file is never overwritten: {@code _002},
 * {@code _003}, … are added instead. Pure apart from {@link #unique}, which looks at the directory.
 */
public final class OutputNaming {
    private static final DateTimeFormatter STAMP = DateTimeFormatter.ofPattern("yyyyMMddHHmmss");

    private OutputNaming() {
    }

    /** The file name for one side's output. */
    public static String raw(Transport protocol, RemoteIperf.Mode mode, Node.Role hostRole, String base, String name) {
        StringBuilder sb = new StringBuilder(protocol.name().toLowerCase(Locale.ROOT)).append('_');
        if (mode == RemoteIperf.Mode.CLIENT && !base.isEmpty()) {
            sb.append(base).append('_');
        }
        sb.append(switch (mode) {
            case CLIENT -> hostRole == Node.Role.TRAFFIC_PC ? "downstream_tx_" : "upstream_tx_";
            case SERVER -> hostRole == Node.Role.TRAFFIC_PC ? "upstream_rx_" : "downstream_rx_";
        });
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
