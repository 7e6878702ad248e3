package io.iperf3j.session.command;

import io.iperf3j.export.cli.MetricsOption;
import io.iperf3j.session.Plan;
import java.util.Optional;
import java.util.function.Consumer;
import picocli.CommandLine.Model.CommandSpec;

/**
 * {@code --push.url} and {@code --push.job} of {@code iperf3j session} and {@code iperf3j agent}: export's Pushgateway rows
 * ({@link MetricsOption}) under their names and value labels, so the commands and the main command line cannot drift apart
 * (plan bug 10), with the commands' own descriptions (one result a finished test, not live intervals; the job's default).
 * A URL given replaces the plan's push target; the job is {@code --push.job}, else the plan's, else {@code iperf3j_session};
 * {@code --push.job} without any push target (no URL, no {@code push:} in the plan) pushes nothing.
 */
final class PushOptions {
    private String url;
    private String job;

    /**
     * Adds the options to the command's model; with {@code oldNames}, session's names before issue 27 ({@code --push},
     * {@code --push-job}) as exact aliases left out of the help and the page: kept for one release, then removed.
     */
    void addTo(CommandSpec spec, boolean oldNames) {
        add(spec, MetricsOption.PUSH_URL, oldNames ? "--push" : null,
                "push each finished test's result to this Pushgateway (host:port = http)", v -> url = v);
        add(spec, MetricsOption.PUSH_JOB, oldNames ? "--push-job" : null,
                "grouping-key job (default: the plan's, else iperf3j_session)", v -> job = v);
    }

    private static void add(CommandSpec spec, MetricsOption row, String oldName, String description, Consumer<String> into) {
        TableOption.add(spec, row, description, into);
        if (oldName != null) {
            TableOption.addHidden(spec, oldName, row, into);
        }
    }


    /** Whether either option was given. */
    boolean given() {
        return url != null || job != null;
    }

    /** The push target with these options over the plan's {@code planTarget}. */
    Optional<Plan.PushTarget> over(Optional<Plan.PushTarget> planTarget) {
        if (url == null && (job == null || planTarget.isEmpty())) {
            return planTarget;
        }
        String endpoint = url != null ? url : planTarget.get().endpoint();
        String j = job != null ? job : planTarget.map(Plan.PushTarget::job).orElse("iperf3j_session");
        return Optional.of(new Plan.PushTarget(endpoint, j));
    }
}
