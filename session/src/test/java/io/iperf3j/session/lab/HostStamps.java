package io.iperf3j.session.lab;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;

/**
 * The hosts' own account of their iperf3 processes: a wrapper to give the lab's hosts as their iperf3, which
 * runs the real one and stamps its start and end (nanoseconds since the epoch, with its PID) in
 * {@code stamps/<inode of the network namespace it runs in>}, also when the session kills it (TERM); and the
 * spans read back per host, each start matched with its end. A time is read again when {@code date} printed none: the
 * session's clean-up of a next test sends TERM to the whole tree of a server it finds still marked, and that tree
 * may hold the {@code date} of the wrapper's own trap (CI, stop 70: a stamp {@code end  11297} with no time).
 */
public final class HostStamps {
    private static final String WRAPPER = """
            #!/bin/sh
            ns=$(readlink /proc/self/ns/net)
            f="STAMPS/$(echo "$ns" | tr -dc 0-9)"
            c=
            now() { t=; n=0; while [ -z "$t" ] && [ $n -lt 50 ]; do t=$(date +%s%N); n=$((n + 1)); done; }
            trap '[ -z "$c" ] || { kill $c 2>/dev/null; wait $c; now; echo "end $t $c" >> "$f"; }; exit 143' TERM INT
            now
            s=$t
            /usr/bin/iperf3 "$@" & c=$!
            echo "start $s $c" >> "$f"
            wait $c; rc=$?
            now
            echo "end $t $c" >> "$f"
            exit $rc
            """;

    private final Path stamps;
    private final Path wrapper;

    private HostStamps(Path stamps, Path wrapper) {
        this.stamps = stamps;
        this.wrapper = wrapper;
    }

    /** Writes the wrapper to {@code labDir/bin/iperf3}; its stamps go to {@code labDir/stamps}. */
    public static HostStamps in(Path labDir) throws Exception {
        Path stamps = Files.createDirectories(labDir.resolve("stamps"));
        Path wrapper = Files.createDirectories(labDir.resolve("bin")).resolve("iperf3");
        Files.writeString(wrapper, WRAPPER.replace("STAMPS", stamps.toString()));
        Files.setPosixFilePermissions(wrapper, PosixFilePermissions.fromString("rwxr-xr-x"));
        return new HostStamps(stamps, wrapper);
    }

    /** The wrapper: the iperf3 command to give the hosts. */
    public Path wrapper() {
        return wrapper;
    }

    /**
     * Every host's iperf3 processes as {@code [start, end]} spans, in start order, by host number (1-based); an
     * iperf3 that never ended has {@link Long#MAX_VALUE} for its end. Checks that every stamp comes from one of the
     * lab's hosts and that every end has its start.
     */
    public Map<Integer, List<long[]>> spans(NetnsLab lab, int hosts) throws Exception {
        Map<Long, Integer> hostOf = new HashMap<>();
        for (int i = 1; i <= hosts; i++) {
            hostOf.put(lab.netnsInode(i), i);
        }
        List<Path> files;
        try (Stream<Path> s = Files.list(stamps)) {
            files = s.toList();
        }
        Map<Integer, List<long[]>> spans = new TreeMap<>();
        for (Path f : files) {
            Integer host = hostOf.get(Long.parseLong(f.getFileName().toString()));
            assertThat(host).as("stamps from a namespace not of the lab: %s", f).isNotNull();
            Map<Long, long[]> running = new HashMap<>();
            List<long[]> all = new ArrayList<>();
            for (String l : Files.readAllLines(f)) {
                String[] w = l.split(" ");
                long pid = Long.parseLong(w[2]);
                if (w[0].equals("start")) {
                    long[] span = {Long.parseLong(w[1]), Long.MAX_VALUE};
                    assertThat(running.put(pid, span)).as("host %d: %s while that PID runs", host, l).isNull();
                    all.add(span);
                } else {
                    long[] span = running.remove(pid); // ended: a later process may have the same PID
                    assertThat(span).as("host %d: %s without a start", host, l).isNotNull();
                    span[1] = Long.parseLong(w[1]);
                }
            }
            all.sort(Comparator.comparingLong(x -> x[0]));
            spans.put(host, all);
        }
        return spans;
    }

    /** Checks that every iperf3 of every host ended, and that none started on its host while another ran there. */
    public static void assertNoneOverlap(Map<Integer, List<long[]>> spans) {
        spans.forEach((host, list) -> {
            assertThat(list).as("host %d: an iperf3 never ended", host).allSatisfy(x -> assertThat(x[1]).isNotEqualTo(Long.MAX_VALUE));
            for (int i = 1; i < list.size(); i++) {
                assertThat(list.get(i)[0]).as("host %d: an iperf3 started at %d while another ran %d .. %d", host, list.get(i)[0],
                        list.get(i - 1)[0], list.get(i - 1)[1]).isGreaterThan(list.get(i - 1)[1]);
            }
        });
    }
}
