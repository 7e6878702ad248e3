package io.iperf3j.testing;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

/**
 * Real headless Chromium (Debian's {@code chromium}) opening a report from a file, with
 * JavaScript on and no network at all: the browser runs in a fresh network namespace
 * ({@code unshare -n}, which needs root, as the suite runs). {@link #open} returns the DOM after
 * the page's scripts ran ({@code --dump-dom}) and every console message Chromium logged;
 * {@link #screenshot} saves a PNG. Used by the report's page tests and by the session tests that check
 * a report of a real session's output.
 */
public final class Chromium {
    public static final Path BINARY = Path.of("/usr/bin/chromium");
    private static final Pattern TAG = Pattern.compile("<(div|table)\\b([^>]*\\bdata-chart=\"[^\"]*\"[^>]*)>");
    private static final Pattern HTML = Pattern.compile("<html\\b([^>]*)>");
    private static final Pattern ATTR = Pattern.compile("([\\w-]+)=\"([^\"]*)\"");

    /** The page as the browser left it. */
    public record Page(String dom, List<String> console, Map<String, String> htmlAttributes, List<Map<String, String>> charts) {
        public Map<String, String> chart(String key) {
            return charts.stream().filter(c -> key.equals(c.get("data-chart"))).findFirst()
                    .orElseThrow(() -> new AssertionError("no chart " + key + " on the page; charts: "
                            + charts.stream().map(c -> c.get("data-chart")).toList()));
        }
    }

    private Chromium() {
    }

    public static void require() {
        if (!Files.isExecutable(BINARY)) {
            fail("headless Chromium is needed for the report tests: apt-get install chromium (.ci/run installs it)");
        }
        if (!"root".equals(System.getProperty("user.name"))) {
            fail("the report tests run Chromium without network (unshare -n), which needs root; run the suite as root");
        }
    }

    public static Page open(Path html, String... flags) throws IOException, InterruptedException {
        return open(html.toUri().toString(), flags);
    }

    public static Page open(String url, String... flags) throws IOException, InterruptedException {
        Path dir = Files.createTempDirectory("iperf3j-chromium");
        try {
            List<String> args = new ArrayList<>(List.of(flags));
            args.addAll(List.of("--virtual-time-budget=5000", "--dump-dom", url));
            Result r = run(dir, args.toArray(String[]::new));
            // the page's own messages (Chromium's internal chrome:// pages log too, e.g. "Slow network is detected")
            List<String> console = r.stderr.lines().filter(l -> l.contains(":CONSOLE") && !l.contains("source: chrome://")).toList();
            Map<String, String> htmlAttrs = new LinkedHashMap<>();
            Matcher h = HTML.matcher(r.stdout);
            if (h.find()) {
                htmlAttrs = attributes(h.group(1));
            }
            List<Map<String, String>> charts = new ArrayList<>();
            Matcher m = TAG.matcher(r.stdout);
            while (m.find()) {
                charts.add(attributes(m.group(2)));
            }
            return new Page(r.stdout, console, htmlAttrs, charts);
        } finally {
            deleteTree(dir);
        }
    }

    /**
     * {@link #open} and {@link #screenshot} in one start of the browser (each start costs about 2.5 s of a 2-core
     * machine; the suite's pages are opened about a hundred times): the DOM is dumped at the screenshot's window size,
     * 1280 × 2400 unless {@code flags} name another {@code --window-size}.
     */
    public static Page openWithScreenshot(Path html, Path png, String... flags) throws IOException, InterruptedException {
        Files.createDirectories(png.getParent());
        Files.deleteIfExists(png);
        List<String> args = new ArrayList<>(List.of(flags));
        if (args.stream().noneMatch(f -> f.startsWith("--window-size="))) {
            args.add("--window-size=1280,2400");
        }
        if (!args.contains("--hide-scrollbars")) {
            args.add("--hide-scrollbars");
        }
        args.add("--screenshot=" + png.toAbsolutePath());
        Page page = open(html, args.toArray(String[]::new));
        assertThat(png).as("screenshot " + png).exists();
        assertThat(Files.size(png)).isGreaterThan(10_000);
        return page;
    }

    public static void screenshot(Path html, Path png, String... flags) throws IOException, InterruptedException {
        Files.createDirectories(png.getParent());
        Files.deleteIfExists(png);
        Path dir = Files.createTempDirectory("iperf3j-chromium");
        try {
            List<String> args = new ArrayList<>(List.of(flags));
            args.addAll(List.of("--virtual-time-budget=5000", "--window-size=1280,2400", "--hide-scrollbars",
                    "--screenshot=" + png.toAbsolutePath(), html.toUri().toString()));
            run(dir, args.toArray(String[]::new));
        } finally {
            deleteTree(dir);
        }
        assertThat(png).as("screenshot " + png).exists();
        assertThat(Files.size(png)).isGreaterThan(10_000);
    }

    private record Result(String stdout, String stderr) {
    }

    private static Result run(Path profile, String... args) throws IOException, InterruptedException {
        List<String> cmd = new ArrayList<>(List.of("unshare", "-n", BINARY.toString(), "--headless", "--no-sandbox",
                "--disable-gpu", "--no-first-run", "--user-data-dir=" + profile, "--enable-logging=stderr", "--v=0"));
        cmd.addAll(List.of(args));
        Path out = profile.resolve("stdout.txt");
        Path err = profile.resolve("stderr.txt");
        Process p = new ProcessBuilder(cmd).redirectOutput(out.toFile()).redirectError(err.toFile()).start();
        if (!p.waitFor(60, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            p.waitFor(10, TimeUnit.SECONDS);
            fail("chromium did not finish in 60 s: " + cmd);
        }
        String stdout = Files.readString(out, StandardCharsets.UTF_8);
        String stderr = Files.readString(err, StandardCharsets.UTF_8);
        assertThat(p.exitValue()).as("chromium exit status; stderr:\n" + stderr).isZero();
        return new Result(stdout, stderr);
    }

    private static Map<String, String> attributes(String text) {
        Map<String, String> a = new LinkedHashMap<>();
        Matcher m = ATTR.matcher(text);
        while (m.find()) {
            a.put(m.group(1), m.group(2).replace("&quot;", "\"").replace("&lt;", "<").replace("&gt;", ">").replace("&amp;", "&"));
        }
        return a;
    }

    private static void deleteTree(Path dir) throws IOException {
        try (var s = Files.walk(dir)) {
            s.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        }
    }
}
