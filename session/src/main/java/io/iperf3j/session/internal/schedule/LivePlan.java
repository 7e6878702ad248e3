package io.iperf3j.session.internal.schedule;

import io.iperf3j.session.Node;
import io.iperf3j.session.Plan;
import io.iperf3j.session.SessionException.IperfConfigurationError;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.function.Consumer;
import java.util.function.LongFunction;

/**
 * A schedule's plan, read again for each run (issue 66: a grown fleet needed a restart, which cut the run in progress). Each run
 * after the first this session generates asks for its tests ({@link #apply}): the plan file is read again, and a plan that reads
 * and checks is the plan from that run on (its new hosts added, its new tests with their series, the tests it no longer has
 * gone); one that does not keeps the last good plan, and says why, once a reason. A run keeps the tests it was generated with:
 * a run in progress finishes with its plan. What only a restart changes (the schedule, the archives, the traffic PC, a host's
 * address or access) is refused like a plan that does not read ({@code PlanExecution.adopt}).
 *
 * <p>Threads: the dispatcher's thread only (a run is generated as its dues are pulled).
 */
public final class LivePlan implements LongFunction<List<Plan.Test>> {
    /** Reads the plan file (and the command line over it). */
    @FunctionalInterface
    public interface Reader {
        /** The plan as it reads now; throws saying why it does not. */
        Plan read() throws IperfConfigurationError;
    }

    /** Makes the plan the one that runs, or refuses it with nothing changed. */
    @FunctionalInterface
    public interface Adopter {
        /** Runs {@code next} from now on; throws saying why it cannot. */
        void adopt(Plan next) throws IperfConfigurationError;
    }

    private final String file;
    private final Reader reader;
    private final Adopter adopter;
    private final ScheduleState book;
    private final Consumer<List<Plan.Test>> onTests;
    private final Consumer<String> notes;
    private final Clock clock;
    private Plan current;
    private Instant readAt;
    private long firstRun = -1;
    private String lastRefusal;

    /**
     * @param file the plan file, as messages name it
     * @param plan the plan read at the start
     * @param reader reads it again
     * @param adopter makes a plan read again the one that runs
     * @param book the schedule's book, told each run's tests ({@link ScheduleState#expect})
     * @param onTests told a plan's tests when they change (the metrics' series)
     * @param notes told what changed, or why a plan was not taken
     */
    public LivePlan(String file, Plan plan, Reader reader, Adopter adopter, ScheduleState book, Consumer<List<Plan.Test>> onTests,
            Consumer<String> notes, Clock clock) {
        this.file = Objects.requireNonNull(file, "file");
        this.current = Objects.requireNonNull(plan, "plan");
        this.reader = Objects.requireNonNull(reader, "reader");
        this.adopter = Objects.requireNonNull(adopter, "adopter");
        this.book = Objects.requireNonNull(book, "book");
        this.onTests = Objects.requireNonNull(onTests, "onTests");
        this.notes = Objects.requireNonNull(notes, "notes");
        this.clock = Objects.requireNonNull(clock, "clock");
        this.readAt = clock.instant();
    }

    /**
     * Run {@code run}'s tests ({@link Plan#testsOfRun}: a rotating test's turn, issue 69): the plan read again, unless it is
     * the first run this session generates. Where each rotating test is goes to the notes, a line a test
     * ({@code [run 15] mesh m: run 3 of 12, pairs 25-36 of 132}), as the run is generated: when its first test is next in line.
     */
    @Override
    public List<Plan.Test> apply(long run) {
        if (firstRun < 0) {
            firstRun = run;
        } else {
            readAgain(run);
        }
        book.expect(run, current.tests());
        current.rotationsAt(run).forEach(line -> notes.accept("[run " + run + "] " + line));
        return current.testsOfRun(run);
    }

    /** The plan that runs now. */
    public Plan current() {
        return current;
    }

    private void readAgain(long run) {
        Plan next;
        try {
            next = reader.read();
        } catch (IperfConfigurationError | RuntimeException e) {
            refuse(run, String.valueOf(e.getMessage()));
            return;
        }
        if (next.equals(current)) {
            lastRefusal = null;
            return;
        }
        String change = change(current, next);
        try {
            adopter.adopt(next);
        } catch (IperfConfigurationError | RuntimeException e) {
            refuse(run, String.valueOf(e.getMessage()));
            return;
        }
        current = next;
        readAt = clock.instant();
        lastRefusal = null;
        onTests.accept(next.tests());
        notes.accept("plan " + file + " read again for run " + run + ": " + next.tests().size() + " test(s) on " + next.hosts().size()
                + " host(s)" + (change.isEmpty() ? "" : " (" + change + ")"));
    }

    private void refuse(long run, String why) {
        if (!why.equals(lastRefusal)) {
            notes.accept("warning: plan " + file + " not taken for run " + run + ": " + why + "; the schedule goes on with the plan"
                    + " read at " + readAt);
        }
        lastRefusal = why;
    }

    /** What {@code next} changes, in words: hosts and tests added, removed, changed; "" when none of them. */
    public static String change(Plan before, Plan next) {
        List<String> parts = new ArrayList<>();
        Map<String, Node> hostsBefore = before.hostsById();
        Map<String, Node> hostsNext = next.hostsById();
        List<String> hostsAdded = hostsNext.keySet().stream().filter(id -> !hostsBefore.containsKey(id)).toList();
        long hostsRemoved = hostsBefore.keySet().stream().filter(id -> !hostsNext.containsKey(id)).count();
        if (!hostsAdded.isEmpty()) {
            parts.add("host(s) " + ScheduleState.names(hostsAdded) + " added");
        }
        if (hostsRemoved > 0) {
            parts.add(hostsRemoved + " host(s) removed");
        }
        Map<String, Plan.Test> testsBefore = byId(before.tests());
        Map<String, Plan.Test> testsNext = byId(next.tests());
        List<String> added = testsNext.keySet().stream().filter(id -> !testsBefore.containsKey(id)).toList();
        long removed = testsBefore.keySet().stream().filter(id -> !testsNext.containsKey(id)).count();
        long changed = testsNext.entrySet().stream()
                .filter(e -> testsBefore.containsKey(e.getKey()) && !testsBefore.get(e.getKey()).equals(e.getValue())).count();
        if (!added.isEmpty()) {
            parts.add(added.size() + " test(s) added");
        }
        if (removed > 0) {
            parts.add(removed + " test(s) removed");
        }
        if (changed > 0) {
            parts.add(changed + " test(s) changed");
        }
        return String.join(", ", parts);
    }

    private static Map<String, Plan.Test> byId(List<Plan.Test> tests) {
        Map<String, Plan.Test> m = new LinkedHashMap<>();
        tests.forEach(t -> m.put(t.id(), t));
        return m;
    }
}
