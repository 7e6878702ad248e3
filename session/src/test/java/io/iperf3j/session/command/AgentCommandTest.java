package io.iperf3j.session.command;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code iperf3j agent}'s refusals: iperf3-style errors, status 2 as the session's, before anything listens. */
class AgentCommandTest {
    private record Ran(int status, String out, String err) {
    }

    private static Ran run(String... args) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int status = AgentCommand.run(List.of(args), new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8));
        return new Ran(status, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
    }

    private static Path plan(Path dir, String schedule, int duration) throws Exception {
        return Files.writeString(dir.resolve("plan.yaml"), """
                hosts:
                  - {id: a, address: 203.0.113.1}
                  - {id: b, address: 203.0.113.2}
                  - {id: c, address: 203.0.113.3}
                  - {id: d, address: 203.0.113.4}
                """ + schedule + """
                tests:
                  - {name: m, mesh: [a, b, c, d], direction: both, duration: %d}
                """.formatted(duration));
    }

    @Test
    void anUnknownFlagIsRefusedAsIperf3Would() {
        Ran r = run("--bogus");
        assertThat(r.status()).isEqualTo(SessionCommand.BAD_PLAN);
        assertThat(r.err()).isEqualTo("iperf3j agent: Unknown option: '--bogus'\n\nUsage: iperf3j agent [options]\n"
                + "Try `iperf3j agent --help' for more information.\n");
    }

    @Test
    void withoutAPlanItSaysSo() {
        Ran r = run("--host-id", "a");
        assertThat(r.status()).isEqualTo(SessionCommand.BAD_PLAN);
        assertThat(r.err()).startsWith("iperf3j agent: Missing required option: '--plan=FILE|URL'");
    }

    @Test
    void helpListsItsOptions() {
        Ran r = run("--help");
        assertThat(r.status()).isZero();
        assertThat(r.out()).contains("--plan=FILE|URL", "--host-id=ID", "--output=DIR");
    }

    @Test
    void aPlanThatIsNotThereIsNamed(@TempDir Path dir) {
        Ran r = run("--plan", dir.resolve("none.yaml").toString(), "--host-id", "a");
        assertThat(r.status()).isEqualTo(SessionCommand.BAD_PLAN);
        assertThat(r.err()).startsWith("iperf3j agent: ").contains("none.yaml");
    }

    @Test
    void aHostIdNotInThePlanListsThePlansHosts(@TempDir Path dir) throws Exception {
        Ran r = run("--plan", plan(dir, "", 1).toString(), "--host-id", "z", "-o", dir.toString());
        assertThat(r.status()).isEqualTo(SessionCommand.BAD_PLAN);
        assertThat(r.err()).isEqualTo("iperf3j agent: error - --host-id z is not a host of the plan (its hosts: a, b, c, d)\n");
    }

    @Test
    void withoutAnIdAMachineThatIsNoHostOfThePlanNamesItsAddresses(@TempDir Path dir) throws Exception {
        Ran r = run("--plan", plan(dir, "", 1).toString(), "-o", dir.toString());
        assertThat(r.status()).isEqualTo(SessionCommand.BAD_PLAN);
        assertThat(r.err()).startsWith("iperf3j agent: error - no host of the plan has an address of this machine's (this machine: ")
                .contains("127.0.0.1").contains("the plan: a 203.0.113.1, b 203.0.113.2, c 203.0.113.3, d 203.0.113.4); name this host with --host-id");
    }

    @Test
    void runsThatOutlastTheirPeriodAreRefused(@TempDir Path dir) throws Exception {
        Ran r = run("--plan", plan(dir, "schedule: {every: 10s}\n", 3).toString(), "--host-id", "a", "-o", dir.toString());
        assertThat(r.status()).isEqualTo(SessionCommand.BAD_PLAN);
        assertThat(r.err()).isEqualTo("iperf3j agent: error - a run of the plan takes up to 30s (its rounds' -t and a 2s margin each),"
                + " longer than every 10s: the runs would overlap\n");
    }

    @Test
    void helpListsTheArchivesOptions() {
        Ran r = run("--help");
        assertThat(r.out()).contains("--metrics.listen=", "--remote-write.url=", "--push.url=", "--resend=DIR",
                "iperf3j_agent_last_run_timestamp_seconds");
    }

    @Test
    void aRemoteWriteUrlThatCannotBeValidIsRefusedBeforeAnythingListens(@TempDir Path dir) throws Exception {
        Ran r = run("--plan", plan(dir, "", 1).toString(), "--host-id", "a", "-o", dir.resolve("out").toString(),
                "--remote-write.url", "ftp://127.0.0.1/write");
        assertThat(r.status()).isEqualTo(SessionCommand.BAD_PLAN);
        assertThat(r.err()).startsWith("iperf3j agent: ").contains("remote-write URL must start with http:// or https://, not ftp://");
        assertThat(dir.resolve("out")).as("nothing ran").doesNotExist();
    }

    @Test
    void remoteWriteOptionsWithoutATargetAreRefused(@TempDir Path dir) throws Exception {
        Ran r = run("--plan", plan(dir, "", 1).toString(), "--host-id", "a", "--remote-write.label", "site=lab");
        assertThat(r.status()).isEqualTo(SessionCommand.BAD_PLAN);
        assertThat(r.err()).isEqualTo("iperf3j agent: error - --remote-write.* options need --remote-write.url, or a plan with"
                + " remote_write\n");
    }

    @Test
    void aMetricsAddressThatCannotBeIsRefused(@TempDir Path dir) throws Exception {
        Ran r = run("--plan", plan(dir, "", 1).toString(), "--host-id", "a", "-o", dir.resolve("out").toString(),
                "--metrics.listen", "no-such-host.invalid:9300");
        assertThat(r.status()).isEqualTo(SessionCommand.BAD_PLAN);
        assertThat(r.err()).startsWith("iperf3j agent: ").contains("--metrics.listen");
    }

    @Test
    void resendWithNowhereToSendSaysSo(@TempDir Path dir) {
        Ran r = run("--resend", dir.toString());
        assertThat(r.status()).isEqualTo(SessionCommand.BAD_PLAN);
        assertThat(r.err()).isEqualTo("iperf3j agent: --resend " + dir + ": nowhere to send: give --remote-write.url or --push.url"
                + " (or a plan with remote_write or push)\n");
    }

    @Test
    void aPlanUrlThatCannotBeReadIsNamedWithItsStatus() throws Exception {
        com.sun.net.httpserver.HttpServer server = com.sun.net.httpserver.HttpServer.create(
                new java.net.InetSocketAddress(java.net.InetAddress.getLoopbackAddress(), 0), 0);
        server.createContext("/", x -> {
            x.sendResponseHeaders(404, -1);
            x.close();
        });
        server.start();
        try {
            String url = "http://127.0.0.1:" + server.getAddress().getPort() + "/fleet.yaml";
            Ran r = run("--plan", url, "--host-id", "a");
            assertThat(r.status()).isEqualTo(SessionCommand.BAD_PLAN);
            assertThat(r.err()).isEqualTo("iperf3j agent: " + url + ": the server answered 404\n");
        } finally {
            server.stop(0);
        }
    }

    @Test
    void aPlanUrlWithoutAHostIsRefused() {
        Ran r = run("--plan", "http://", "--host-id", "a");
        assertThat(r.status()).isEqualTo(SessionCommand.BAD_PLAN);
        assertThat(r.err()).isEqualTo("iperf3j agent: http://: not a URL: Expected authority\n");
    }
}
