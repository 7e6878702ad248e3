package io.iperf3j.session.command;

import io.iperf3j.session.Plan;
import io.iperf3j.session.SessionException.IperfConfigurationError;
import io.iperf3j.session.internal.output.RecordedResults;
import io.iperf3j.session.internal.output.ResultArchives;
import io.iperf3j.session.internal.plan.PlanFile;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;

/**
 * {@code iperf3j session --resend DIR} (issue 65): sends every result an output folder holds ({@code tests.jsonl}, the record,
 * and a schedule's rotated files) to the archives the command line names ({@code --remote-write.url}, {@code --push.url}),
 * or a plan's ({@code PLAN --resend DIR}), and runs nothing: for a controller that was killed, or a receiver that was down
 * past the end. Sending twice does no harm: Prometheus keeps one copy of an identical sample, and a Pushgateway group is
 * replaced. Each result keeps its own time (its test's end). Exit status 0 when every result was written, 1 when any was
 * not (each named with its reason), 2 for a bad command line or folder.
 */
final class Resend {
    private Resend() {
    }

    static int run(SessionCommand c, Path dir) throws InterruptedException {
        Optional<Plan> plan;
        ResultArchives archives;
        try {
            plan = c.planFile().isPresent() ? Optional.of(PlanFile.read(c.planFile().get())) : Optional.empty();
            archives = c.archivesOf(plan);
            if (!archives.any()) {
                c.err().println("iperf3j session: --resend " + dir + ": nowhere to send: give --remote-write.url or --push.url (or a plan"
                        + " with remote_write or push)");
                return SessionCommand.BAD_PLAN;
            }
        } catch (IperfConfigurationError | IllegalArgumentException e) {
            c.err().println("iperf3j session: " + e.getMessage());
            return SessionCommand.BAD_PLAN;
        }
        RecordedResults.Counts read;
        try {
            c.out().println("resending the results in " + dir.resolve("tests.jsonl"));
            read = RecordedResults.each(dir, r -> archives.resend(r.name(), r.labels(), r.figures()));
        } catch (IOException e) {
            archives.finish();
            c.err().println("iperf3j session: " + e.getMessage());
            return SessionCommand.BAD_PLAN;
        }
        c.out().println(read.results() + " result(s) read" + (read.passedOver() > 0 ? " (" + read.passedOver()
                + " line(s) that are no test's result passed over)" : "") + "; " + String.join("; ", archives.waitingLines()));
        List<String> summary = archives.finish();
        summary.forEach(c.out()::println);
        return archives.notSent() == 0 ? SessionCommand.OK : SessionCommand.TEST_FAILED;
    }
}
