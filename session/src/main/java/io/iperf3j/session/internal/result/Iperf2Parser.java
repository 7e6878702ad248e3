package io.iperf3j.session.internal.result;

import io.iperf3j.Direction;
import io.iperf3j.IntervalMetrics;
import io.iperf3j.Role;
import io.iperf3j.Transport;
import io.iperf3j.session.TestResult;
import java.time.LocalDateTime;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalDouble;
import java.util.OptionalLong;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * iperf2's two outputs, human text and {@code -y C}, with the seed's rules (apetools'
 * {@code IperfParser}/{@code SumParser}): a line is an interval when its length is the
 * expected interval give or take the tolerance, so the whole-test line is the summary;
 * with several threads only the {@code [SUM]} lines (CSV thread id {@code -1}) count,
 * and where iperf 2.1 prints no sum (its CSV has none) the threads are added per interval.
 *
 * <p>Two departures from the seed, both on purpose: byte units are binary (iperf2
 * prints {@code KBytes} = 1024 bytes; checked on the captures, where 11.0 GBytes in
 * 3.002 s at 31.4 Gbits/sec only fits 1024³), bit units decimal; and a value above a
 * "maximum" is not turned into 0 (a 10 Gbit/s link is real), a line that cannot be read
 * is reported instead. Hand-written: iperflexer is Python and no Java library reads
 * iperf2 output. Pure.
 */
public final class Iperf2Parser {
    private static final Pattern CANDIDATE = Pattern.compile("^\\[\\s*(?:\\d+|SUM[-\\d]*)\\]\\s+\\d.*");
    private static final Pattern TEXT = Pattern.compile("^\\[\\s*(\\d+|SUM[-\\d]*)\\]\\s+(\\d+(?:\\.\\d+)?)\\s*-\\s*"
            + "(\\d+(?:\\.\\d+)?)\\s+sec\\s+(\\d+(?:\\.\\d+)?)\\s+([KMGT]?)Bytes\\s+(\\d+(?:\\.\\d+)?)\\s+([KMGT]?)bits/sec"
            + "(?:\\s+(\\d+(?:\\.\\d+)?)\\s+ms\\s+(\\d+)/\\s*(\\d+)\\s+\\((-?[\\d.e+-]+)%\\))?.*$");
    private static final Pattern CSV_START = Pattern.compile("^\\d{14}(?:\\.\\d+)?,.*");
    private static final DateTimeFormatter STAMP = DateTimeFormatter.ofPattern("yyyyMMddHHmmss");

    private Iperf2Parser() {
    }

    private record Line(String id, double start, double end, long bytes, double bps, double timestamp,
            OptionalDouble jitterSeconds, OptionalLong lost, OptionalLong total, OptionalLong outOfOrder,
            boolean serverReport) {
        boolean isSum() {
            return id.startsWith("SUM") || id.equals("-1");
        }
    }

    /** Parses text or CSV output (told apart by the first data line). */
    public static TestResult.ParsedOutput parse(String text, Role roleHint, Transport transportHint, double expected,
            double tolerance) {
        List<String> lines = text.lines().toList();
        boolean csv = lines.stream().map(String::strip).filter(s -> !s.isEmpty())
                .anyMatch(s -> CSV_START.matcher(s).matches());
        List<String> problems = new ArrayList<>();
        List<Line> records = new ArrayList<>();
        Role role = roleHint;
        Transport transport = transportHint;
        boolean serverReport = false;
        for (int i = 0; i < lines.size(); i++) {
            String line = lines.get(i).strip();
            if (line.isEmpty()) {
                continue;
            }
            if (line.startsWith("Client connecting to")) {
                role = Role.CLIENT;
            } else if (line.startsWith("Server listening")) {
                role = Role.SERVER;
            }
            if (line.contains("UDP port") || line.contains("UDP buffer")) {
                transport = Transport.UDP;
            } else if (line.contains("TCP port")) {
                transport = Transport.TCP;
            }
            if (line.endsWith("Server Report:")) {
                serverReport = true;
                continue;
            }
            if (csv) {
                if (!CSV_START.matcher(line).matches()) {
                    problems.add("line " + (i + 1) + ": not an iperf2 CSV record: " + abbreviate(line));
                    continue;
                }
                Optional<Line> r = csvLine(line, problems, i + 1);
                r.ifPresent(records::add);
                if (r.isPresent() && r.get().jitterSeconds().isPresent()) {
                    transport = Transport.UDP;
                }
            } else if (CANDIDATE.matcher(line).matches()) {
                Matcher m = TEXT.matcher(line);
                if (!m.matches()) {
                    problems.add("line " + (i + 1) + ": unreadable iperf2 interval: " + abbreviate(line));
                    continue;
                }
                records.add(textLine(m, serverReport));
                if (m.group(8) != null) {
                    transport = Transport.UDP;
                }
            }
        }
        return assemble(csv ? TestResult.ParsedOutput.Format.IPERF2_CSV : TestResult.ParsedOutput.Format.IPERF2_TEXT, records, role,
                transport, expected, tolerance, problems);
    }

    private static Line textLine(Matcher m, boolean serverReport) {
        double start = Double.parseDouble(m.group(2));
        double end = Double.parseDouble(m.group(3));
        long bytes = new java.math.BigDecimal(m.group(4)).multiply(java.math.BigDecimal.valueOf(1024).pow(unitPower(m.group(5))))
                .setScale(0, java.math.RoundingMode.HALF_UP).longValueExact();
        double bps = new java.math.BigDecimal(m.group(6)).scaleByPowerOfTen(3 * unitPower(m.group(7))).doubleValue();
        OptionalDouble jitter = OptionalDouble.empty();
        OptionalLong lost = OptionalLong.empty();
        OptionalLong total = OptionalLong.empty();
        if (m.group(8) != null) {
            jitter = OptionalDouble.of(Double.parseDouble(m.group(8)) / 1000);
            lost = OptionalLong.of(Long.parseLong(m.group(9)));
            total = OptionalLong.of(Long.parseLong(m.group(10)));
        }
        String id = m.group(1);
        return new Line(id, start, end, bytes, bps, Double.NaN, jitter, lost, total, OptionalLong.empty(), serverReport);
    }

    private static int unitPower(String unit) {
        return switch (unit) {
            case "K" -> 1;
            case "M" -> 2;
            case "G" -> 3;
            case "T" -> 4;
            default -> 0;
        };
    }

    private static Optional<Line> csvLine(String line, List<String> problems, int number) {
        String[] f = line.split(",", -1);
        try {
            if (f.length != 9 && f.length < 14) {
                throw new IllegalArgumentException(f.length + " fields (9 for TCP, 14 or more for UDP)");
            }
            String[] interval = f[6].split("-", 2);
            if (interval.length != 2) {
                throw new IllegalArgumentException("interval '" + f[6] + "' is not start-end");
            }
            String stamp = f[0].contains(".") ? f[0].substring(0, f[0].indexOf('.')) : f[0];
            double ts = LocalDateTime.parse(stamp, STAMP).atZone(ZoneId.systemDefault()).toEpochSecond();
            long bytes = Long.parseLong(f[7]);
            double bps = Double.parseDouble(f[8]);
            if (bytes < 0 || bps < 0 || !Double.isFinite(bps)) {
                throw new IllegalArgumentException("negative or non-finite figures");
            }
            OptionalDouble jitter = OptionalDouble.empty();
            OptionalLong lost = OptionalLong.empty();
            OptionalLong total = OptionalLong.empty();
            OptionalLong ooo = OptionalLong.empty();
            if (f.length >= 14) {
                jitter = OptionalDouble.of(Double.parseDouble(f[9]) / 1000);
                lost = OptionalLong.of(Long.parseLong(f[10]));
                total = OptionalLong.of(Long.parseLong(f[11]));
                ooo = OptionalLong.of(Long.parseLong(f[13]));
            }
            return Optional.of(new Line(f[5].strip(), Double.parseDouble(interval[0]), Double.parseDouble(interval[1]),
                    bytes, bps, ts, jitter, lost, total, ooo, false));
        } catch (IllegalArgumentException | DateTimeParseException e) {
            problems.add("line " + number + ": unreadable iperf2 CSV record (" + e.getMessage() + "): " + abbreviate(line));
            return Optional.empty();
        }
    }

    private static TestResult.ParsedOutput assemble(TestResult.ParsedOutput.Format format, List<Line> records, Role role, Transport transport,
            double expected, double tolerance, List<String> problems) {
        List<Line> own = records.stream().filter(r -> !r.serverReport()).toList();
        List<Line> report = records.stream().filter(Line::serverReport).toList();
        boolean hasSum = own.stream().anyMatch(Line::isSum);
        long threads = own.stream().map(Line::id).distinct().count();
        List<Line> chosen;
        if (hasSum) {
            chosen = own.stream().filter(Line::isSum).toList();
        } else if (threads > 1) {
            chosen = sumPerInterval(own);
        } else {
            chosen = own;
        }
        int streams = (int) Math.max(1, own.stream().filter(r -> !r.isSum()).map(Line::id).distinct().count());
        Direction direction = role == Role.CLIENT ? Direction.SENDER : Direction.RECEIVER;
        List<IntervalMetrics> samples = new ArrayList<>();
        Map<Double, Boolean> seenStart = new LinkedHashMap<>();
        Line total = null;
        for (Line r : chosen) {
            double length = r.end() - r.start();
            boolean interval = Math.abs(length - expected) < tolerance && !seenStart.containsKey(r.start());
            if (interval) {
                seenStart.put(r.start(), true);
                samples.add(sample(r, role, direction, transport, streams));
            }
            if (r.start() == 0 && (total == null || r.end() >= total.end()) && (!interval || chosen.size() == 1)) {
                total = r;
            }
        }
        Line received = report.isEmpty() ? null : report.get(report.size() - 1);
        TestResult.ParsedOutput.Summary summary;
        if (total == null) {
            summary = TestResult.ParsedOutput.Summary.NONE;
            if (!chosen.isEmpty()) {
                problems.add("no whole-test line (0.0-end) found");
            }
        } else if (direction == Direction.SENDER) {
            summary = new TestResult.ParsedOutput.Summary(OptionalLong.of(total.bytes()), OptionalDouble.of(total.bps()),
                    received == null ? OptionalLong.empty() : OptionalLong.of(received.bytes()),
                    received == null ? OptionalDouble.empty() : OptionalDouble.of(received.bps()));
        } else {
            summary = new TestResult.ParsedOutput.Summary(OptionalLong.empty(), OptionalDouble.empty(), OptionalLong.of(total.bytes()),
                    OptionalDouble.of(total.bps()));
        }
        return new TestResult.ParsedOutput(records.isEmpty() && problems.isEmpty() ? TestResult.ParsedOutput.Format.EMPTY : format, samples,
                summary, Optional.empty(), problems);
    }

    private static List<Line> sumPerInterval(List<Line> lines) {
        Map<String, List<Line>> byInterval = new TreeMap<>();
        Map<String, Integer> order = new LinkedHashMap<>();
        for (Line l : lines) {
            String key = l.start() + "-" + l.end();
            order.putIfAbsent(key, order.size());
            byInterval.computeIfAbsent(key, k -> new ArrayList<>()).add(l);
        }
        List<Line> sums = new ArrayList<>();
        for (String key : order.keySet()) {
            List<Line> group = byInterval.get(key);
            long bytes = 0;
            double bps = 0;
            double ts = Double.NaN;
            for (Line l : group) {
                bytes += l.bytes();
                bps += l.bps();
                ts = Double.isNaN(ts) ? l.timestamp() : Math.max(ts, l.timestamp());
            }
            Line f = group.get(0);
            sums.add(new Line("SUM", f.start(), f.end(), bytes, bps, ts, OptionalDouble.empty(), OptionalLong.empty(),
                    OptionalLong.empty(), OptionalLong.empty(), false));
        }
        // whole-test lines of threads that ended at slightly different times have different keys: add them up too
        List<Line> totals = lines.stream().filter(l -> l.start() == 0 && l.end() - l.start() > 1.5).toList();
        if (totals.size() > 1 && totals.stream().map(Line::id).distinct().count() == totals.size()) {
            sums.removeIf(l -> l.start() == 0 && l.end() - l.start() > 1.5);
            long bytes = totals.stream().mapToLong(Line::bytes).sum();
            double bps = totals.stream().mapToDouble(Line::bps).sum();
            double end = totals.stream().mapToDouble(Line::end).max().orElse(0);
            sums.add(new Line("SUM", 0, end, bytes, bps, totals.get(0).timestamp(), OptionalDouble.empty(),
                    OptionalLong.empty(), OptionalLong.empty(), OptionalLong.empty(), false));
        }
        return sums;
    }

    private static IntervalMetrics sample(Line r, Role role, Direction direction, Transport transport, int streams) {
        boolean udpReceiver = transport == Transport.UDP && direction == Direction.RECEIVER;
        return Samples.basic(role, direction, transport, r.timestamp(), r.start(), r.end(), r.bytes(), r.bps(), streams,
                udpReceiver ? r.total() : OptionalLong.empty(), udpReceiver ? r.lost() : OptionalLong.empty(),
                udpReceiver ? r.outOfOrder() : OptionalLong.empty(), udpReceiver ? r.jitterSeconds() : OptionalDouble.empty());
    }

    private static String abbreviate(String s) {
        return s.length() <= 200 ? s : s.substring(0, 200) + "...";
    }
}
