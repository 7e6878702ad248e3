package io.iperf3j.session.command;

import io.iperf3j.session.SessionException.IperfConfigurationError;
import io.iperf3j.session.internal.output.RecordedResults;
import io.iperf3j.session.internal.output.ResultArchives;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.List;

/**
 * {@code iperf3j session --resend DIR} and {@code iperf3j agent --resend DIR} (issues 65, 69): sends every result an output
 * folder holds ({@code tests.jsonl}, the record, and a schedule's rotated files) to the archives the command line names
 * ({@code --remote-write.url}, {@code --push.url}), or a plan's, and runs nothing: for a controller or an agent that was killed,
 * or a receiver that was down past the end. Sending twice does no harm: Prometheus keeps one copy of an identical sample, and a
 * Pushgateway group is replaced. Each result keeps its own time (its test's end). Exit status 0 when every result was written,
 * 1 when any was not (each named with its reason), 2 for a bad command line or folder.
 */
final class Resend {
    /** The archives of the command line over its plan's, started; or why they cannot be. */
    @FunctionalInterface
    interface Archives {
        ResultArchives open() throws IperfConfigurationError;
    }

    private Resend() {
    }

    /**
     * Resends {@code dir}'s results to {@code target}'s archives.
     *
     * @param command the subcommand, as messages name it ({@code session}, {@code agent})
     */
    static int run(String command, Path dir, Archives target, PrintStream out, PrintStream err) throws InterruptedException {
        String who = "iperf3j " + command + ": ";
        ResultArchives archives;
        try {
            archives = target.open();
            if (!archives.any()) {
                err.println(who + "--resend " + dir + ": nowhere to send: give --remote-write.url or --push.url (or a plan"
                        + " with remote_write or push)");
                return SessionCommand.BAD_PLAN;
            }
        } catch (IperfConfigurationError | IllegalArgumentException e) {
            err.println(who + e.getMessage());
            return SessionCommand.BAD_PLAN;
        }
        RecordedResults.Counts read;
        try {
            out.println("resending the results in " + dir.resolve("tests.jsonl"));
            read = RecordedResults.each(dir, r -> archives.resend(r.name(), r.labels(), r.figures()));
        } catch (IOException e) {
            archives.finish();
            err.println(who + e.getMessage());
            return SessionCommand.BAD_PLAN;
        }
        out.println(read.results() + " result(s) read" + (read.passedOver() > 0 ? " (" + read.passedOver()
                + " line(s) that are no test's result passed over)" : "") + "; " + String.join("; ", archives.waitingLines()));
        List<String> summary = archives.finish();
        summary.forEach(out::println);
        return archives.notSent() == 0 ? SessionCommand.OK : SessionCommand.TEST_FAILED;
    }
}
