package io.iperf3j.testing;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/**
 * The close-out table of the interop tests: one row per mode and direction, with the
 * outcome and the bytes each side reported. Written to {@code target/interop-table.md}
 * and printed to stdout when the interop test class ends.
 */
public final class InteropTable {
    /**
     * @param order position of the mode in the test's list, for a stable table
     * @param clientBytes what the client reported, e.g. {@code sent 52428800 / received 52428800}
     */
    public record Row(int order, String mode, String direction, boolean passed, String clientBytes, String serverBytes,
                      String note) {
    }

    private static final List<Row> ROWS = new ArrayList<>();

    private InteropTable() {
    }

    public static synchronized void add(Row row) {
        ROWS.add(row);
    }

    public static synchronized String markdown() {
        StringBuilder sb = new StringBuilder();
        sb.append("| mode | direction | result | client reported (sent / received) | server reported (sent / received) | note |\n");
        sb.append("| --- | --- | --- | --- | --- | --- |\n");
        List<Row> rows = new ArrayList<>(ROWS);
        rows.sort(Comparator.comparingInt(Row::order).thenComparing(Row::direction));
        for (Row r : rows) {
            sb.append("| ").append(r.mode()).append(" | ").append(r.direction()).append(" | ")
                    .append(r.passed() ? "pass" : "**FAIL**").append(" | ").append(r.clientBytes()).append(" | ")
                    .append(r.serverBytes()).append(" | ").append(r.note().replace("|", "\\|").replace("\n", " "))
                    .append(" |\n");
        }
        return sb.toString();
    }

    /** Writes the table to {@code target/interop-table.md} (relative to the module) and prints it. */
    public static synchronized void write() {
        String md = "# iperf3j against iperf3 3.12: TCP interop\n\n"
                + "Bytes are the JSON `end` sums each side printed (`sum_sent` / `sum_received`; with --bidir "
                + "also the `_bidir_reverse` sums after a `;`). A server prints its JSON before it gets the client's "
                + "results, so it shows 0 for the direction it did not measure (3.12 behaviour).\n\n" + markdown();
        try {
            Path target = Path.of("target");
            Files.createDirectories(target);
            Files.writeString(target.resolve("interop-table.md"), md, StandardCharsets.UTF_8);
        } catch (IOException e) {
            System.out.println("(could not write target/interop-table.md: " + e.getMessage() + ")");
        }
        System.out.println(md);
    }
}
