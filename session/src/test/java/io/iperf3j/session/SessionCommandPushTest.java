package io.iperf3j.session;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import io.iperf3j.session.command.SessionCommand;
import io.iperf3j.session.internal.plan.PlanFile;

/**
 * Session's Pushgateway flags are the main command line's ({@code --push.url}, {@code --push.job},
 * export's rows; plan bug 10), with the old {@code --push}/{@code --push-job} still read but left
 * out of {@code --help}. Nothing is run: the command line is parsed and applied to a plan.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class SessionCommandPushTest {
    @TempDir
    Path dir;

    private Plan plan(String push) throws Exception {
        Path file = dir.resolve("plan.yaml");
        Files.writeString(file, """
                hosts:
                  - {id: left, address: 127.0.0.1}
                  - {id: right, address: 127.0.0.1}
                tests:
                  - {name: loop, pairs: [[left, right]], duration: 1}
                """ + push);
        return PlanFile.read(file);
    }

    private Optional<Plan.PushTarget> pushOf(String planPush, String... args) throws Exception {
        return SessionCommand.parsed(args).withCommandLine(plan(planPush)).push();
    }

    @Test
    void pushUrlAndJobAreTheMainLinesNames() throws Exception {
        assertThat(pushOf("", "p.yaml", "--push.url", "http://gw:9091", "--push.job", "nightly"))
                .contains(new Plan.PushTarget("http://gw:9091", "nightly"));
        assertThat(pushOf("", "p.yaml", "--push.url=gw:9091")).contains(new Plan.PushTarget("gw:9091", "iperf3j_session"));
    }

    @Test
    void theOldNamesStillWorkForOneRelease() throws Exception {
        assertThat(pushOf("", "p.yaml", "--push", "http://gw:9091", "--push-job", "nightly"))
                .contains(new Plan.PushTarget("http://gw:9091", "nightly"));
    }

    @Test
    void theFlagsOverrideThePlansTarget() throws Exception {
        String planPush = "push: {endpoint: 'http://plan:9091', job: planned}\n";
        assertThat(pushOf(planPush, "p.yaml")).contains(new Plan.PushTarget("http://plan:9091", "planned"));
        assertThat(pushOf(planPush, "p.yaml", "--push.url", "http://gw:9091"))
                .contains(new Plan.PushTarget("http://gw:9091", "planned"));
        assertThat(pushOf(planPush, "p.yaml", "--push.job", "flag"))
                .contains(new Plan.PushTarget("http://plan:9091", "flag"));
        assertThat(pushOf("", "p.yaml", "--push.job", "flag")).as("no target: nothing to push").isEmpty();
    }

    @Test
    void helpListsTheNewNamesOnly() {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int status = SessionCommand.run(List.of("--help"), new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8));
        String help = out.toString(StandardCharsets.UTF_8);
        assertThat(status).isZero();
        assertThat(help).contains("--push.url=URL", "--push.job=JOB").doesNotContain("--push=", "--push-job");
        assertThat(SessionCommand.spec().findOption("--push").hidden()).isTrue();
        assertThat(SessionCommand.spec().findOption("--push-job").hidden()).isTrue();
    }

    @Test
    void aMissingValueNamesTheOptionGiven() {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int status = SessionCommand.run(List.of("p.yaml", "--push.url"), new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8));
        assertThat(status).isEqualTo(SessionCommand.BAD_PLAN);
        assertThat(err.toString(StandardCharsets.UTF_8)).startsWith("iperf3j session: ").contains("'--push.url'");
    }
}
