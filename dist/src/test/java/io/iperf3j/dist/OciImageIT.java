package io.iperf3j.dist;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import io.iperf3j.testing.FreePorts;
import io.iperf3j.testing.Iperf3Binary;
import io.iperf3j.testing.Iperf3Process;

import java.io.IOException;
import java.io.InputStream;
import java.net.HttpURLConnection;
import java.net.Proxy;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The container image ({@code dist/src/main/sh/build-oci.sh}) under Debian's podman with runc, as
 * docs/container.md runs it: {@code podman load} of the archive the build made (its config, and the page's
 * Kubernetes manifest checked against it), then the server by the page's run line ({@code --network host
 * --read-only --cap-drop=all}, with the test's ports), served to real iperf3 3.12 and
 * 3.21 clients ({@code -J} documents with bytes received), {@code /metrics} counting their two tests, the
 * JVM as PID 1 of the container as user 65532 with no capability, on the image's AOT cache, with the
 * tarball launcher's JVM command line; the image's own health check ({@code podman healthcheck run});
 * the exporter by its run line, probing that server; and {@code podman stop --time 1} of each: exit
 * status 0, so each ended on its SIGTERM within the second (a container still running then is killed,
 * 137); a server stopped as soon as {@code podman run -d} returns exits 0 as well. On a store of its own ({@link Podman}); the containers and the image are removed by name.
 * Needs root, podman and runc ({@code .ci/run} installs them).
 */
@Timeout(value = 240, unit = TimeUnit.SECONDS)
class OciImageIT {
    private static final String SERVER = "oci-it-server";
    private static final String EXPORTER = "oci-it-exporter";
    private static final String EARLY = "oci-it-early";
    private static final String HOME = "/opt/iperf3j";
    private static final Duration START_LIMIT = Duration.ofSeconds(60);

    @Test
    void serverAndExporterRunFromTheImageAndStopOnSigterm() throws Exception {
        Iperf3Binary.require();
        Iperf3Binary.V3_21.requireThis();
        Podman podman = Podman.on(Dist.dir().resolve("oci-it"));
        String image = "localhost/iperf3j:" + Dist.version();
        removeOurs(podman, image); // an interrupted run's leftovers
        try {
            Podman.Run load = podman.ok("load", "-i", Dist.ociArchive().toString());
            assertThat(load.stdout()).as(load.all()).contains("Loaded image: " + image);
            imageConfig(podman, image);
            manifestMatchesTheImage(podman, image);

            int port = FreePorts.next();
            int metricsPort = FreePorts.next();
            String health = "http://127.0.0.1:" + metricsPort + "/health";
            podman.ok(runLine(documentedRunLine("iperf3j"), SERVER, health, List.of("-s", "-p", Integer.toString(port),
                    "--metrics.listen", ":" + metricsPort)));
            awaitHealth(podman, SERVER, health);

            JsonNode old = client(Iperf3Binary.V3_12, port, List.of());
            assertThat(old.at("/start/test_start/reverse").asInt()).isZero();
            JsonNode upstream = client(Iperf3Binary.V3_21, port, List.of("-R"));
            assertThat(upstream.at("/start/test_start/reverse").asInt()).isEqualTo(1);
            String metrics = awaitScrape("http://127.0.0.1:" + metricsPort + "/metrics",
                    "iperf3_server_tests_ended_total{reason=\"completed\",result=\"ok\"} 2.0");
            assertThat(metrics).contains("iperf3j_build_info{java_version=\"").contains("version=\"" + Dist.version() + "\"} 1.0");

            theJvmIsPid1AsTheImagesUser(podman, port);
            healthCheck(podman, SERVER, health);

            int exporterPort = FreePorts.next();
            String exporterHealth = "http://127.0.0.1:" + exporterPort + "/health";
            podman.ok(runLine(documentedRunLine("iperf3j-exporter").stream().map(w -> w.replace("9579",
                    Integer.toString(exporterPort))).toList(), EXPORTER, exporterHealth, List.of()));
            awaitHealth(podman, EXPORTER, exporterHealth);
            String probe = get("http://127.0.0.1:" + exporterPort + "/probe?target=127.0.0.1:" + port + "&period=1s");
            assertThat(probe).contains("iperf3_up{port=\"" + port + "\",target=\"127.0.0.1\"} 1.0");
            healthCheck(podman, EXPORTER, exporterHealth);

            String serverStop = stopsOnSigterm(podman, SERVER);
            assertThat(podman.ok("logs", SERVER).all()).contains("Server listening on " + port)
                    .contains("iperf3j: interrupt - the server has terminated");
            String exporterStop = stopsOnSigterm(podman, EXPORTER);
            String early = stopWhileStarting(podman);
            System.out.printf("OciImageIT: image %s bytes; podman stop took %s (server), %s (exporter), %s%n",
                    podman.ok("image", "inspect", "--format", "{{.Size}}", image).stdout().strip(), serverStop, exporterStop,
                    early);
        } finally {
            removeOurs(podman, image);
        }
    }

    /**
     * A documented run line ({@code podman run -d --name NAME ...} in docs/container.md) as this test runs it:
     * its own container name, the machine's limits ({@link #limits}), the health check's URL at the test's
     * port, and {@code command} (if any) in place of the image's. The docs' options (host network, a read-only
     * root, no capability, no privilege gain) are kept as written.
     */
    private static String[] runLine(List<String> documented, String name, String healthUrl, List<String> command)
            throws IOException {
        int at = documented.indexOf("localhost/iperf3j:" + Dist.version());
        assertThat(at).as("the image's name in %s", documented).isPositive();
        List<String> args = new ArrayList<>(documented.subList(1, at)); // after "podman", up to the image
        args.set(args.indexOf("--name") + 1, name);
        int health = args.indexOf(args.stream().filter(w -> w.startsWith("IPERF3J_HEALTH_URL=")).findFirst().orElse(""));
        if (health > 0 && args.get(health - 1).equals("-e")) {
            args.subList(health - 1, health + 1).clear();
        }
        args.addAll(List.of("-e", "IPERF3J_HEALTH_URL=" + healthUrl));
        args.addAll(limits());
        args.addAll(documented.subList(at, documented.size()));
        args.addAll(command);
        return args.toArray(String[]::new);
    }

    /** The words of docs/container.md's line {@code podman run -d --name NAME ...}. */
    private static List<String> documentedRunLine(String name) throws IOException {
        String prefix = "podman run -d --name " + name + " ";
        List<String> lines = containerDoc().lines().filter(l -> l.startsWith(prefix)).toList();
        assertThat(lines).as("docs/container.md: one line starting \"%s\"", prefix).hasSize(1);
        List<String> words = List.of(lines.get(0).strip().split(" +"));
        assertThat(words).contains("--network", "host", "--read-only", "--cap-drop=all");
        return words;
    }

    private static String containerDoc() throws IOException {
        return Files.readString(Path.of(System.getProperty("iperf3j.root"), "docs/container.md"));
    }

    /**
     * The container's open-files and process limits: this test's own. Podman's default for a root container,
     * 1048576 each, is more than runc may set where root lacks CAP_SYS_RESOURCE and the hard limits are lower
     * (this CI machine: "error setting rlimit type 7: operation not permitted"); docs/container.md says so.
     */
    private static List<String> limits() throws IOException {
        long nofile = hardLimit("Max open files");
        long nproc = Math.min(hardLimit("Max processes"), 4096);
        return List.of("--ulimit", "nofile=" + nofile + ":" + nofile, "--ulimit", "nproc=" + nproc + ":" + nproc);
    }

    private static long hardLimit(String name) throws IOException {
        for (String line : Files.readAllLines(Path.of("/proc/self/limits"))) {
            if (line.startsWith(name)) {
                String hard = line.substring(name.length()).strip().split("\\s+")[1];
                return hard.equals("unlimited") ? 1048576 : Math.min(Long.parseLong(hard), 1048576);
            }
        }
        throw new AssertionError("no " + name + " in /proc/self/limits");
    }

    /** The image's config: the user, one layer, the entrypoint and the health check with no shell, its size. */
    private static void imageConfig(Podman podman, String image) throws Exception {
        String[] config = podman.ok("image", "inspect", "--format",
                "{{.Config.User}}|{{len .RootFS.Layers}}|{{json .Config.Entrypoint}}|{{json .Config.Healthcheck.Test}}|{{.Size}}",
                image).stdout().strip().split("\\|");
        assertThat(config[0]).isEqualTo("65532:65532");
        assertThat(config[1]).as("one layer, from nothing").isEqualTo("1");
        assertThat(config[2]).startsWith("[\"/usr/bin/env\",\"--ignore-signal=INT,TERM,HUP\",\"--block-signal=INT,TERM,HUP\",\""
                + HOME + "/lib/runtime/bin/java\"");
        assertThat(config[3]).startsWith("[\"CMD\",\"" + HOME + "/lib/runtime/bin/java\"").endsWith("\"io.iperf3j.cli.HealthCheck\"]");
        // docs/container.md gives the size (76 MB); a bound well above it, so that growth is a decision
        assertThat(Long.parseLong(config[4])).as("image size in bytes").isLessThan(100_000_000L);
    }

    /**
     * docs/container.md's Kubernetes manifest against the image: the image's name, its user as
     * {@code runAsUser}/{@code runAsGroup} with {@code runAsNonRoot}, a read-only root and no capability (as the
     * run lines), iperf3's port for TCP and UDP, the probes on /health at the port the server's
     * {@code --metrics.listen} opens, and the Service's ports naming the container's.
     */
    private static void manifestMatchesTheImage(Podman podman, String image) throws Exception {
        String doc = containerDoc();
        int start = doc.indexOf("```yaml\n", doc.indexOf("## Kubernetes"));
        assertThat(start).as("docs/container.md: a yaml block under \"## Kubernetes\"").isPositive();
        String yaml = doc.substring(start + 8, doc.indexOf("```", start + 8));
        ObjectMapper mapper = new ObjectMapper(new YAMLFactory());
        List<JsonNode> objects = mapper.readerFor(JsonNode.class).<JsonNode>readValues(yaml).readAll();
        JsonNode deployment = objects.stream().filter(o -> o.path("kind").asText().equals("Deployment")).findFirst().orElseThrow();
        JsonNode service = objects.stream().filter(o -> o.path("kind").asText().equals("Service")).findFirst().orElseThrow();
        JsonNode pod = deployment.at("/spec/template/spec");
        String[] user = podman.ok("image", "inspect", "--format", "{{.Config.User}}", image).stdout().strip().split(":");
        assertThat(pod.at("/securityContext/runAsNonRoot").asBoolean()).isTrue();
        assertThat(pod.at("/securityContext/runAsUser").asText()).isEqualTo(user[0]);
        assertThat(pod.at("/securityContext/runAsGroup").asText()).isEqualTo(user[1]);
        JsonNode container = pod.at("/containers/0");
        assertThat(container.path("image").asText()).isEqualTo(image);
        assertThat(container.at("/securityContext/readOnlyRootFilesystem").asBoolean()).isTrue();
        assertThat(container.at("/securityContext/capabilities/drop/0").asText()).isEqualTo("ALL");
        java.util.Map<String, String> ports = new java.util.HashMap<>();
        for (JsonNode p : container.path("ports")) {
            ports.put(p.path("name").asText(), p.path("containerPort").asText() + "/" + p.path("protocol").asText());
        }
        assertThat(ports).containsEntry("iperf3", "5201/TCP").containsEntry("iperf3-udp", "5201/UDP");
        List<String> args = new ArrayList<>();
        container.path("args").forEach(a -> args.add(a.asText()));
        assertThat(args).contains("-s");
        String listen = args.get(args.indexOf("--metrics.listen") + 1);
        assertThat(listen).as("--metrics.listen on every interface, for the kubelet's probes").startsWith(":");
        assertThat(ports).containsEntry("metrics", listen.substring(1) + "/TCP");
        for (String probe : List.of("readinessProbe", "livenessProbe")) {
            assertThat(container.at("/" + probe + "/httpGet/path").asText()).as(probe).isEqualTo("/health");
            assertThat(container.at("/" + probe + "/httpGet/port").asText()).as(probe).isEqualTo("metrics");
        }
        for (JsonNode p : service.at("/spec/ports")) {
            assertThat(ports).as("the Service's targetPort %s", p.path("targetPort")).containsKey(p.path("targetPort").asText());
        }
    }

    /** Waits for the container's /health to answer (the server binds its port before /metrics listens). */
    private static void awaitHealth(Podman podman, String name, String url) throws Exception {
        long deadline = System.nanoTime() + START_LIMIT.toNanos();
        while (true) {
            assertThat(podman.inspect(name, "{{.State.Status}}")).as("%s: %s", name, podman.run("logs", name).all())
                    .isEqualTo("running");
            try {
                if (get(url).equals("OK\n")) {
                    return;
                }
            } catch (IOException notYet) {
                assertThat(System.nanoTime()).as("%s: no answer from %s in %s: %s", name, url, START_LIMIT,
                        podman.run("logs", name).all()).isLessThan(deadline);
            }
            Thread.sleep(100);
        }
    }

    /** A real iperf3's one-second test against the server in the container: its -J document, with bytes received. */
    private static JsonNode client(Iperf3Binary binary, int port, List<String> extra) throws IOException {
        List<String> args = new ArrayList<>(List.of("-c", "127.0.0.1", "-p", Integer.toString(port), "-t", "1", "-J"));
        args.addAll(extra);
        try (Iperf3Process client = Iperf3Process.iperf3(binary, args)) {
            assertThat(client.waitFor(Duration.ofSeconds(40))).as("%s: %s", binary, client.stdout() + client.stderr()).isZero();
            return TarballIT.assertReceived(client.stdout());
        }
    }

    /**
     * The server's JVM seen from this machine: PID 1 of its PID namespace (no shell or init before it), user
     * and group 65532 ({@code podman top} and the kernel's), no effective capability, its AOT cache mapped,
     * its TERM handler in place, and the command line the tarball's launcher runs ({@code bin/iperf3j}, with
     * the image's home) but for the launcher's own path property.
     */
    private static void theJvmIsPid1AsTheImagesUser(Podman podman, int port) throws Exception {
        assertThat(podman.ok("top", SERVER, "user", "huser", "pid").stdout().lines().skip(1).map(String::strip).toList())
                .singleElement().asString().matches("iperf3j\\s+65532\\s+1");
        long pid = Long.parseLong(podman.inspect(SERVER, "{{.State.Pid}}"));
        List<String> status = Files.readAllLines(Path.of("/proc", Long.toString(pid), "status"));
        assertThat(field(status, "Uid")).isEqualTo("65532\t65532\t65532\t65532");
        assertThat(field(status, "Gid")).isEqualTo("65532\t65532\t65532\t65532");
        assertThat(field(status, "NSpid")).endsWith("\t1");
        assertThat(field(status, "CapEff")).isEqualTo("0000000000000000");
        assertThat(Long.parseLong(field(status, "SigCgt"), 16) & (1L << 14)).as("a TERM handler (bit 15)").isNotZero();
        assertThat(Files.readString(Path.of("/proc", Long.toString(pid), "maps"))).contains(HOME + "/lib/iperf3j.aot");

        List<String> container = jvmCommand(pid, HOME);
        Path tarballHome = Installation.unpackedImage();
        int tarballPort = FreePorts.next();
        try (Iperf3Process launcher = Installation.IMAGE.start(List.of("-s", "-p", Integer.toString(tarballPort)))) {
            assertThat(launcher.awaitListening(tarballPort, START_LIMIT)).as(launcher.stderr()).isTrue();
            List<String> tarball = jvmCommand(launcher.pid(), tarballHome.toString());
            assertThat(container).as("the container's JVM command line, up to the main class").isEqualTo(tarball);
        }
        assertThat(container).contains("-XX:AOTCache=" + HOME + "/lib/iperf3j.aot", "-Diperf3j.signals.held=true");
    }

    /** Process {@code pid}'s command line up to the main class, {@code home} written as the image's, the launcher property dropped. */
    private static List<String> jvmCommand(long pid, String home) throws IOException {
        String raw = new String(Files.readAllBytes(Path.of("/proc", Long.toString(pid), "cmdline")), StandardCharsets.UTF_8);
        List<String> args = new ArrayList<>();
        for (String a : raw.split("\0")) {
            if (!a.startsWith("-Diperf3j.launcher=")) {
                args.add(a.replace(home, HOME));
            }
            if (a.equals("io.iperf3j.cli.Main")) {
                break;
            }
        }
        return args;
    }

    private static String field(List<String> status, String name) {
        return status.stream().filter(l -> l.startsWith(name + ":")).map(l -> l.substring(name.length() + 1).strip())
                .findFirst().orElseThrow(() -> new AssertionError("no " + name + " in /proc/PID/status"));
    }

    /** {@code podman healthcheck run}: the image's own check, healthy, with its line in the container's health log. */
    private static void healthCheck(Podman podman, String name, String url) throws Exception {
        Podman.Run check = podman.run("healthcheck", "run", name);
        assertThat(check.status()).as("podman healthcheck run %s: %s", name, check.all()).isZero();
        assertThat(podman.inspect(name, "{{.State.Health.Status}}")).isEqualTo("healthy");
        assertThat(podman.inspect(name, "{{range .State.Health.Log}}{{.Output}}{{end}}")).contains("healthy: " + url + ": 200 OK");
    }

    /**
     * {@code podman stop --time 1}: SIGTERM, and SIGKILL a second later if the container still runs. Exit
     * status 0 (137 would be the kill) shows it ended on the TERM within the second. Returns how long podman
     * took, and in it the time from podman's start to the container's end ({@code FinishedAt}), for the output.
     */
    private static String stopsOnSigterm(Podman podman, String name) throws Exception {
        Instant before = Instant.now();
        Podman.Run stop = podman.ok("stop", "--time", "1", name);
        assertThat(podman.inspect(name, "{{.State.Status}} {{.State.ExitCode}}")).as("%s: %s", name,
                podman.run("logs", name).all()).isEqualTo("exited 0");
        Instant finished = Instant.parse(podman.inspect(name, "{{.State.FinishedAt.Format \"2006-01-02T15:04:05.000000000Z07:00\"}}"));
        return stop.millis() + " ms (ended after " + Duration.between(before, finished).toMillis() + ")";
    }

    /**
     * {@code podman stop} right after {@code podman run -d}, while the JVM starts (the server's port not yet
     * open, most times: podman's own start takes less than the JVM's): the entrypoint's {@code env} holds the
     * TERM until iperf3j's handlers are in, and a server stopped before it serves exits 0 too. Returns what the
     * server had written by then, and the time, for the test's output.
     */
    private static String stopWhileStarting(Podman podman) throws Exception {
        int port = FreePorts.next();
        int metricsPort = FreePorts.next();
        podman.ok(runLine(documentedRunLine("iperf3j"), EARLY, "http://127.0.0.1:" + metricsPort + "/health",
                List.of("-s", "-p", Integer.toString(port), "--metrics.listen", ":" + metricsPort)));
        String took = stopsOnSigterm(podman, EARLY);
        boolean served = podman.ok("logs", EARLY).all().contains("Server listening");
        return took + " (a server stopped as it started, " + (served ? "already serving" : "not yet serving") + ")";
    }

    /** A scrape of {@code url} once it has {@code line} (a test's end is counted just after its client ends). */
    private static String awaitScrape(String url, String line) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
        String text = get(url);
        while (!text.lines().toList().contains(line)) {
            assertThat(System.nanoTime()).as("no line %s in 20 s: %s", line, text).isLessThan(deadline);
            Thread.sleep(100);
            text = get(url);
        }
        return text;
    }

    /** A GET's body (status 200 only; at most 1 MB). */
    private static String get(String url) throws IOException {
        HttpURLConnection http = (HttpURLConnection) URI.create(url).toURL().openConnection(Proxy.NO_PROXY);
        http.setConnectTimeout(5000);
        http.setReadTimeout(30000);
        try {
            int status = http.getResponseCode();
            if (status != 200) {
                throw new IOException(url + ": HTTP " + status);
            }
            try (InputStream in = http.getInputStream()) {
                return new String(in.readNBytes(1 << 20), StandardCharsets.UTF_8);
            }
        } finally {
            http.disconnect();
        }
    }

    /** Removes this test's containers and image from its store, by name (absent ones are no error). */
    private static void removeOurs(Podman podman, String image) throws Exception {
        Podman.Run rm = podman.run("rm", "--force", "--ignore", "--time", "0", SERVER, EXPORTER, EARLY);
        assertThat(rm.status()).as("podman rm: %s", rm.all()).isZero();
        if (podman.run("image", "exists", image).status() == 0) {
            podman.ok("rmi", image);
        }
    }
}
