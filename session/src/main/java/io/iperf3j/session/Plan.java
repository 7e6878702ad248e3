package io.iperf3j.session;

import io.iperf3j.session.SessionException.IperfConfigurationError;
import io.iperf3j.export.Durations;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.Set;

/**
 * Hosts and the tests to run between them. Built by {@link #builder} in Java or read
 * from YAML by {@code PlanFile}; a {@link PlanRunner} runs it. A plain value: its hosts say how
 * they are reached ({@link Node.Access}) and hold no connection, so a plan read twice equals
 * itself and reading one opens nothing; the runner opens each host's connection when first used.
 *
 * @param hosts the hosts, in order
 * @param tests the tests, in the order they run sequentially
 * @param parallel run tests on disjoint host pairs at the same time (each test as soon as both its hosts are free)
 * @param filenameBase put in every raw output's name ("" for none; else a {@link PlanValue#NAME}: a plain name, never a path)
 * @param push where results are pushed while the plan runs, if anywhere
 * @param schedule run the tests again and again on this schedule, if given; else once
 * @param remoteWrite where results are written by Prometheus remote-write while the plan runs, if anywhere
 */
public record Plan(List<Node> hosts, List<Plan.Test> tests, boolean parallel, String filenameBase,
        Optional<PushTarget> push, Optional<Plan.Schedule> schedule, Optional<RemoteWriteTarget> remoteWrite) {
    /** Most hosts in one plan. */
    public static final int MAX_HOSTS = 1024;
    /** Most tests in one plan (after expanding meshes and repeats). */
    public static final int MAX_TESTS = 100_000;

    /** A plan run once. */
    public Plan(List<Node> hosts, List<Plan.Test> tests, boolean parallel, String filenameBase, Optional<PushTarget> push) {
        this(hosts, tests, parallel, filenameBase, push, Optional.empty());
    }

    /** A plan with no remote-write target. */
    public Plan(List<Node> hosts, List<Plan.Test> tests, boolean parallel, String filenameBase, Optional<PushTarget> push,
            Optional<Plan.Schedule> schedule) {
        this(hosts, tests, parallel, filenameBase, push, schedule, Optional.empty());
    }

    /** This plan with other tests (a resumed run's remaining ones). */
    public Plan withTests(List<Plan.Test> others) {
        return new Plan(hosts, others, parallel, filenameBase, push, schedule, remoteWrite);
    }

    /** This plan writing its results to {@code target} (the command line's {@code --remote-write.url} over the plan's). */
    public Plan withRemoteWrite(Optional<RemoteWriteTarget> target) {
        return new Plan(hosts, tests, parallel, filenameBase, push, schedule, target);
    }

    /** Copies the lists and checks {@code filenameBase} ({@link PlanValue#NAME}). */
    public Plan {
        java.util.Objects.requireNonNull(schedule, "schedule");
        java.util.Objects.requireNonNull(remoteWrite, "remoteWrite");
        checkFilenameBase(filenameBase);
        hosts = List.copyOf(hosts);
        tests = List.copyOf(tests);
        if (hosts.size() > MAX_HOSTS || tests.size() > MAX_TESTS) {
            throw new IllegalArgumentException("plan over its limits: " + hosts.size() + " hosts (max " + MAX_HOSTS
                    + "), " + tests.size() + " tests (max " + MAX_TESTS + ")");
        }
    }

    /**
     * How a test of pairs, a star or a mesh is directed: {@code up} = the first host sends to the second (a
     * star's node to its centre), {@code down} = the other way, {@code both} = one of each, {@code bidir} = one
     * {@code --bidir} test. The one place that knows the words: a plan file's word is read into one
     * ({@link #of}) once, where it is read.
     */
    public enum Direction {
        /** The first sends. */
        UP,
        /** The second sends. */
        DOWN,
        /** One test each way. */
        BOTH,
        /** One {@code --bidir} test. */
        BIDIR;

        /** The word a plan writes ({@code up}, ...). */
        public String word() {
            return name().toLowerCase(java.util.Locale.ROOT);
        }

        /** The direction a word names, if any. */
        public static Optional<Direction> of(String word) {
            for (Direction d : values()) {
                if (d.word().equals(word)) {
                    return Optional.of(d);
                }
            }
            return Optional.empty();
        }

        /** The words, for a message: {@code up, down, both, bidir}. */
        public static String words() {
            return String.join(", ", java.util.Arrays.stream(values()).map(Direction::word).toList());
        }

        /** The error for a word that names no direction: {@code unknown direction 'WORD' (up, down, both, bidir)}. */
        public static String unknown(String word) {
            return "unknown direction '" + word + "' (" + words() + ")";
        }
    }

    /** {@code base}, if it is "" (none) or a {@link PlanValue#NAME}: it goes into file names in the output folder. */
    private static String checkFilenameBase(String base) {
        java.util.Objects.requireNonNull(base, "filenameBase");
        return base.isEmpty() ? base : PlanValue.NAME.require("filename_base", base);
    }

    /**
     * A Pushgateway to push results to.
     *
     * @param endpoint the gateway's URL (one line: {@link PlanValue#TEXT})
     * @param job the job label (one line)
     */
    public record PushTarget(String endpoint, String job) {
        /** Checks the values. */
        public PushTarget {
            PlanValue.TEXT.require("push endpoint", endpoint);
            PlanValue.TEXT.require("push job", job);
        }
    }

    /**
     * A Prometheus remote-write receiver to write every result to (Prometheus with {@code --web.enable-remote-write-receiver},
     * Mimir, Thanos Receive, Cortex, VictoriaMetrics): each result a sample at its test's end, labelled as its Pushgateway
     * group and its {@code /metrics} series. Secrets come from files only (never a plan's text or a command line); relative
     * files are the plan's folder's. The values are checked where the sender is made ({@code iperf3j session} does it before
     * anything runs: a URL that cannot be valid, a file it cannot read).
     *
     * @param url the receiver's write URL ({@code http://prometheus:9090/api/v1/write})
     * @param labels labels added to every series (external labels), in order
     * @param timeout the longest one request may take; empty for the sender's default (10 s)
     * @param username the basic-auth user, when the receiver wants one (then {@code passwordFile} too)
     * @param passwordFile the file holding the basic-auth password
     * @param bearerTokenFile the file holding a bearer token
     * @param tenant the tenant sent as {@code X-Scope-OrgID} (Mimir, Cortex)
     * @param headers more headers, in order
     * @param caFile a PEM file of the CA certificates an {@code https} receiver is checked against
     */
    public record RemoteWriteTarget(String url, Map<String, String> labels, Optional<Duration> timeout, Optional<String> username,
            Optional<java.nio.file.Path> passwordFile, Optional<java.nio.file.Path> bearerTokenFile, Optional<String> tenant,
            Map<String, String> headers, Optional<java.nio.file.Path> caFile) {
        /** Checks presence, and that each value is one line of text ({@link PlanValue#TEXT}). */
        public RemoteWriteTarget {
            PlanValue.TEXT.require("remote_write url", url);
            labels = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(labels));
            headers = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(headers));
            labels.forEach((k, v) -> PlanValue.TEXT.require("remote_write label " + k, v));
            headers.forEach((k, v) -> PlanValue.TEXT.require("remote_write header " + k, v));
            Objects.requireNonNull(timeout, "timeout");
            username.ifPresent(u -> PlanValue.TEXT.require("remote_write username", u));
            tenant.ifPresent(t -> PlanValue.TEXT.require("remote_write tenant", t));
            Objects.requireNonNull(passwordFile, "passwordFile");
            Objects.requireNonNull(bearerTokenFile, "bearerTokenFile");
            Objects.requireNonNull(caFile, "caFile");
            if (username.isPresent() != passwordFile.isPresent()) {
                throw new IllegalArgumentException("remote_write: basic auth needs both a username and a password_file");
            }
        }

        /** Only a URL: no labels, auth, tenant or headers; the default timeout. */
        public static RemoteWriteTarget of(String url) {
            return new RemoteWriteTarget(url, Map.of(), Optional.empty(), Optional.empty(), Optional.empty(), Optional.empty(),
                    Optional.empty(), Map.of(), Optional.empty());
        }
    }

    /**
     * The tests packed into rounds in which no host is in two tests (first fit, each pair's repeats in
     * order): how a {@code parallel} plan runs.
     */
    public List<List<Test>> rounds() {
        return packed(tests);
    }

    /** Tests packed into rounds in which no host is in two tests. */
    private static List<List<Test>> packed(List<Test> tests) {
        List<List<Test>> rounds = new ArrayList<>();
        List<Set<String>> busy = new ArrayList<>();
        Map<String, Integer> lastRoundOfPair = new HashMap<>();
        for (Test t : tests) {
            String pair = t.sender() + "\u0000" + t.receiver() + "\u0000" + t.direction().word();
            int r = lastRoundOfPair.getOrDefault(pair, -1) + 1;
            while (r < rounds.size() && (busy.get(r).contains(t.sender()) || busy.get(r).contains(t.receiver()))) {
                r++;
            }
            if (r == rounds.size()) {
                rounds.add(new ArrayList<>());
                busy.add(new HashSet<>());
            }
            rounds.get(r).add(t);
            busy.get(r).add(t.sender());
            busy.get(r).add(t.receiver());
            lastRoundOfPair.put(pair, r);
        }
        return rounds;
    }

    /** The hosts by id. */
    public Map<String, Node> hostsById() {
        Map<String, Node> m = new LinkedHashMap<>();
        for (Node n : hosts) {
            m.put(n.id(), n);
        }
        return m;
    }

    /** Starts a plan over these hosts. */
    public static Builder builder(List<Node> hosts) {
        return new Builder(hosts);
    }

    /** Builds a plan: meshes, stars and pairs expanded into tests, as the YAML does. */
    public static final class Builder {
        private final List<Node> hosts;
        private final List<Plan.Test> tests = new ArrayList<>();
        private final Set<String> ids = new HashSet<>();
        private boolean parallel;
        private String filenameBase = "";
        private Optional<PushTarget> push = Optional.empty();
        private Optional<RemoteWriteTarget> remoteWrite = Optional.empty();
        private Optional<Node.ImageInstall> install = Optional.empty();
        private Optional<Plan.Schedule> schedule = Optional.empty();

        Builder(List<Node> hosts) {
            this.hosts = List.copyOf(hosts);
        }

        /** Run disjoint pairs at the same time. */
        public Builder parallel(boolean on) {
            parallel = on;
            return this;
        }

        /** Run the tests again and again on this schedule. */
        public Builder schedule(Plan.Schedule s) {
            schedule = Optional.of(s);
            return this;
        }

        /**
         * Base name in the raw outputs' names: "" for none, else a {@link PlanValue#NAME}.
         *
         * @throws IllegalArgumentException naming {@code filename_base} if it is not a plain name (a path, {@code ..})
         */
        public Builder filenameBase(String base) {
            filenameBase = checkFilenameBase(base);
            return this;
        }

        /** Write results to a Prometheus remote-write receiver. */
        public Builder remoteWrite(RemoteWriteTarget target) {
            remoteWrite = Optional.of(target);
            return this;
        }

        /** Push results to a Pushgateway. */
        public Builder push(PushTarget target) {
            push = Optional.of(target);
            return this;
        }

        /**
         * An iperf3j image for every host that has neither its own {@link Node#install()} nor an
         * iperf3j command: copied to the host before its first iperf3j test.
         */
        public Builder install(Node.ImageInstall image) {
            install = Optional.of(image);
            return this;
        }

        /** One test, as given. */
        public Builder test(String name, String sender, String receiver, Direction direction, TestSpec spec, int repeats)
                throws IperfConfigurationError {
            return test(name, sender, receiver, direction, spec, repeats, Optional.empty());
        }

        /** One test (its repeats), of a rotation's {@code turn} if any. */
        private Builder test(String name, String sender, String receiver, Direction direction, TestSpec spec, int repeats,
                Optional<Turn> turn) throws IperfConfigurationError {
            PlanValue.NAME.require("test name", name);
            Optional<String> itself = Test.sendsToItself(sender, receiver);
            if (itself.isPresent()) {
                throw new IperfConfigurationError("test '" + name + "': " + itself.get());
            }
            for (int r = 1; r <= repeats; r++) {
                if (tests.size() >= MAX_TESTS) {
                    throw new IperfConfigurationError("plan has more than " + MAX_TESTS + " tests");
                }
                String id = name + "_" + sender + "-" + receiver + (repeats > 1 ? "_r" + r : "");
                if (!ids.add(id)) {
                    throw new IperfConfigurationError("test id '" + id + "' appears twice; give the tests different names");
                }
                tests.add(new Plan.Test(id, sender, receiver, direction, spec, r, turn));
            }
            return this;
        }

        /**
         * Pairs: {@code up} = first sends to second, {@code down} = second to first,
         * {@code both} = one of each, {@code bidir} = one {@code --bidir} test.
         */
        public Builder pairs(String name, List<List<String>> pairs, Direction direction, TestSpec spec, int repeats)
                throws IperfConfigurationError {
            for (List<String> p : pairs) {
                if (p.size() != 2) {
                    throw new IperfConfigurationError("test '" + name + "': a pair needs two host ids, got " + p);
                }
                directed(name, p.get(0), p.get(1), direction, spec, repeats);
            }
            return this;
        }

        private void directed(String name, String a, String b, Direction direction, TestSpec spec, int repeats)
                throws IperfConfigurationError {
            switch (direction) {
                case UP -> test(name, a, b, Direction.UP, spec, repeats);
                case DOWN -> test(name, b, a, Direction.DOWN, spec, repeats);
                case BOTH -> {
                    test(name, a, b, Direction.UP, spec, repeats);
                    test(name, b, a, Direction.DOWN, spec, repeats);
                }
                case BIDIR -> test(name, a, b, Direction.BIDIR, spec.withBidir(true), repeats);
            }
        }

        /**
         * A star from {@code center} (the traffic PC) to each node: {@code up} = node sends
         * to the traffic PC (uplink), {@code down} = traffic PC sends to the node.
         */
        public Builder star(String name, String center, List<String> nodes, Direction direction, TestSpec spec, int repeats)
                throws IperfConfigurationError {
            for (String n : nodes) {
                directed(name, n, center, direction, spec, repeats);
            }
            return this;
        }

        /**
         * A full mesh over {@code members}, in round-robin order (circle method) so that
         * parallel runs need N−1 rounds per direction set: {@code both} gives every ordered
         * pair, {@code bidir} one {@code --bidir} test per pair, {@code up}/{@code down} one
         * direction per pair.
         */
        public Builder mesh(String name, List<String> members, Direction direction, TestSpec spec, int repeats)
                throws IperfConfigurationError {
            List<List<String[]>> rounds = RoundRobin.circle(members);
            if (direction == Direction.BOTH) {
                // every "up" first, then every "down": each half in the circle's rounds
                for (List<String[]> round : rounds) {
                    for (String[] p : round) {
                        test(name, p[0], p[1], Direction.UP, spec, repeats);
                    }
                }
                for (List<String[]> round : rounds) {
                    for (String[] p : round) {
                        test(name, p[1], p[0], Direction.DOWN, spec, repeats);
                    }
                }
            } else {
                for (List<String[]> round : rounds) {
                    for (String[] p : round) {
                        directed(name, p[0], p[1], direction, spec, repeats);
                    }
                }
            }
            return this;
        }

        /**
         * A rotating mesh ({@code per_run}, issue 69): every pair of {@code members} as {@link #mesh(String, List, Direction,
         * TestSpec, int)} has them, in the rotation's order, {@code perRun} of them a run of a schedule (each test's
         * {@link Test#turn}); a plan run once runs them all.
         *
         * @throws IperfConfigurationError naming the test: fewer than two hosts, a host listed twice, {@code perRun} under 1,
         *         more tests than a plan holds
         */
        public Builder mesh(String name, List<String> members, Direction direction, TestSpec spec, int repeats, int perRun)
                throws IperfConfigurationError {
            distinct(name, "mesh", members);
            if (members.size() < 2) {
                throw new IperfConfigurationError("test '" + name + "': a mesh needs at least two hosts, got " + members);
            }
            return rotation(name, "mesh", members, rotation(name, () -> Rotation.mesh(members.size(), direction, perRun)), spec,
                    repeats, true);
        }

        /**
         * A disjoint test (psconfig's {@code disjoint}: its {@code a-members} and {@code b-members}): every host of {@code a}
         * with every host of {@code b}; {@code up}: {@code a}'s host sends, {@code down}: {@code b}'s, {@code both}: one of each,
         * {@code bidir}: one {@code --bidir} test with {@code a}'s host the client. In {@link Rotation}'s order.
         *
         * @throws IperfConfigurationError naming the test and the host: an empty side, a host listed twice, a host on both sides
         */
        public Builder disjoint(String name, List<String> a, List<String> b, Direction direction, TestSpec spec, int repeats)
                throws IperfConfigurationError {
            return disjoint(name, a, b, direction, spec, repeats, Optional.empty());
        }

        /**
         * A rotating disjoint test: as {@link #disjoint(String, List, List, Direction, TestSpec, int)}, {@code perRun} of its
         * pairs a run of a schedule (each test's {@link Test#turn}); a plan run once runs them all.
         *
         * @throws IperfConfigurationError naming the test and the host, or {@code perRun} under 1
         */
        public Builder disjoint(String name, List<String> a, List<String> b, Direction direction, TestSpec spec, int repeats,
                int perRun) throws IperfConfigurationError {
            return disjoint(name, a, b, direction, spec, repeats, Optional.of(perRun));
        }

        private Builder disjoint(String name, List<String> a, List<String> b, Direction direction, TestSpec spec, int repeats,
                Optional<Integer> perRun) throws IperfConfigurationError {
            distinct(name, "disjoint a", a);
            distinct(name, "disjoint b", b);
            if (a.isEmpty() || b.isEmpty()) {
                throw new IperfConfigurationError("test '" + name + "': a disjoint test needs a host on each side, got a: " + a
                        + ", b: " + b);
            }
            for (String id : a) {
                if (b.contains(id)) {
                    throw new IperfConfigurationError("test '" + name + "': host '" + id + "' is on both sides of the disjoint test");
                }
            }
            List<String> both = new ArrayList<>(a);
            both.addAll(b);
            Rotation order = rotation(name, () -> Rotation.disjoint(a.size(), b.size(), direction, perRun.orElse(Integer.MAX_VALUE)));
            return rotation(name, "disjoint", both, order, spec, repeats, perRun.isPresent());
        }

        /** The error when a host is in {@code hosts} twice. */
        private static void distinct(String name, String list, List<String> hosts) throws IperfConfigurationError {
            Set<String> seen = new HashSet<>();
            for (String id : hosts) {
                if (!seen.add(id)) {
                    throw new IperfConfigurationError("test '" + name + "': host '" + id + "' is listed twice in its " + list);
                }
            }
        }

        private static Rotation rotation(String name, java.util.function.Supplier<Rotation> made) throws IperfConfigurationError {
            try {
                return made.get();
            } catch (IllegalArgumentException e) {
                throw new IperfConfigurationError("test '" + name + "': " + e.getMessage());
            }
        }

        /** Each pair of {@code order} over {@code hosts}, in its order; its turn with each when {@code turns}. */
        private Builder rotation(String name, String shape, List<String> hosts, Rotation order, TestSpec spec, int repeats,
                boolean turns) throws IperfConfigurationError {
            long pairs = order.pairs();
            if (pairs * repeats > MAX_TESTS - tests.size()) {
                throw new IperfConfigurationError("test '" + name + "': its " + pairs + " pair(s) × " + repeats
                        + " repeat(s) take the plan over " + MAX_TESTS + " tests");
            }
            for (long place = 0; place < pairs; place++) {
                Rotation.Pair p = order.pair(place);
                TestSpec s = p.direction() == Direction.BIDIR ? spec.withBidir(true) : spec;
                Optional<Turn> turn = turns ? Optional.of(new Turn(name, shape, place, pairs, order.perRun())) : Optional.empty();
                test(name, hosts.get(p.sender()), hosts.get(p.receiver()), p.direction(), s, repeats, turn);
            }
            return this;
        }

        /** The plan. */
        public Plan build() {
            List<Node> nodes = hosts;
            if (install.isPresent()) {
                nodes = hosts.stream().map(n -> n.withPlanImage(install.get())).toList();
            }
            return new Plan(nodes, tests, parallel, filenameBase, push, schedule, remoteWrite);
        }
    }

    /**
     * When a plan runs again and again ({@code schedule:} in the plan, {@code iperf3j session --every}), as
     * perfSONAR's pScheduler repeats a task: every {@code every}, each of the plan's tests once, spread evenly
     * across the period (test i of n is due at {@code i × every / n} into it, not all at once). A test may start
     * up to {@code slip} after it is due (while its hosts are busy); one not started by then is skipped and
     * counted, never run late. {@code randomStart} delays each test by a random amount up to it (pScheduler's
     * {@code sliprand}), so that many controllers do not start together. The schedule ends after {@code runs}
     * periods or at {@code until}, whichever comes first; with neither it runs until stopped.
     *
     * @param every the period, at least {@link #MIN_EVERY}
     * @param slip how late after it is due a test may still start (0 .. every)
     * @param randomStart the most random delay added to each test's start (0 .. every)
     * @param runs how many periods, if limited
     * @param until no test starts at or after this instant, if given
     */
    public record Schedule(Duration every, Duration slip, Duration randomStart, OptionalLong runs, Optional<Instant> until) {
        /** The shortest period. */
        public static final Duration MIN_EVERY = Duration.ofSeconds(1);
        /** The longest period. */
        public static final Duration MAX_EVERY = Duration.ofDays(366);

        /** Checks the bounds. */
        public Schedule {
            Objects.requireNonNull(every, "every");
            Objects.requireNonNull(slip, "slip");
            Objects.requireNonNull(randomStart, "randomStart");
            Objects.requireNonNull(runs, "runs");
            Objects.requireNonNull(until, "until");
            if (every.compareTo(MIN_EVERY) < 0 || every.compareTo(MAX_EVERY) > 0) {
                throw new IllegalArgumentException("every: " + text(every) + " is not in 1s .. 366 days");
            }
            if (slip.isNegative() || slip.compareTo(every) > 0) {
                throw new IllegalArgumentException("slip: " + text(slip) + " is not in 0 .. every (" + text(every) + ")");
            }
            if (randomStart.isNegative() || randomStart.compareTo(every) > 0) {
                throw new IllegalArgumentException("random_start: " + text(randomStart) + " is not in 0 .. every (" + text(every) + ")");
            }
            if (runs.isPresent() && runs.getAsLong() < 1) {
                throw new IllegalArgumentException("runs: " + runs.getAsLong() + " is not a positive number of periods");
            }
        }

        /** Every {@code every}, slip a whole period, no random start, until stopped. */
        public static Schedule every(Duration every) {
            return new Schedule(every, every, Duration.ZERO, OptionalLong.empty(), Optional.empty());
        }

        /**
         * This schedule with another period ({@code --every} over the plan's {@code every}): a slip of a whole
         * period stays a whole period; a slip or random start longer than the new period is cut to it.
         */
        public Schedule withEvery(Duration period) {
            Duration newSlip = slip.equals(every) || slip.compareTo(period) > 0 ? period : slip;
            return new Schedule(period, newSlip, randomStart.compareTo(period) > 0 ? period : randomStart, runs, until);
        }

        /**
         * A DURATION as the plan and {@code --every} write it: a whole number with {@code ms}, {@code s},
         * {@code m}, {@code h} or none (seconds); {@code 0} for none where {@code zero} is allowed.
         *
         * @throws IllegalArgumentException naming {@code what}
         */
        public static Duration duration(String what, String raw, boolean zero) {
            if (zero && raw.trim().matches("0+(ms|s|m|h)?")) {
                return Duration.ZERO;
            }
            return Durations.parse(what, raw);
        }

        /** A duration as the plan writes it: {@code 1h}, {@code 5m}, {@code 30s} or {@code 500ms}. */
        public static String text(Duration d) {
            long ms = d.toMillis();
            return ms % 3_600_000 == 0 && ms > 0 ? ms / 3_600_000 + "h" : ms % 60_000 == 0 && ms > 0 ? ms / 60_000 + "m"
                    : ms % 1000 == 0 ? ms / 1000 + "s" : ms + "ms";
        }
    }

    /**
     * The tests of run {@code run} of a schedule (from 1): every test but those of a rotating mesh or disjoint test
     * ({@code per_run}) whose turn is another run's ({@link Test#runsIn}), in plan order. A pure function of the plan and
     * {@code run}.
     */
    public List<Test> testsOfRun(long run) {
        return tests.stream().filter(t -> t.runsIn(run)).toList();
    }

    /**
     * Where each rotating test of the plan is in run {@code run} ({@link Turn#where}), in plan order: one line a rotating
     * test; none when the plan has none.
     */
    public List<String> rotationsAt(long run) {
        return rotations().stream().map(turn -> turn.where(run)).toList();
    }

    /** The plan's rotating tests ({@code per_run}), each by its first test's {@link Turn}, in plan order. */
    public List<Turn> rotations() {
        Map<String, Turn> first = new LinkedHashMap<>();
        tests.forEach(t -> t.turn().ifPresent(turn -> first.putIfAbsent(turn.test(), turn)));
        return List.copyOf(first.values());
    }

    /**
     * Where a test of a rotating mesh or disjoint test ({@code per_run}, issue 69) stands in its order: which run of the
     * cycle runs it. Run {@code n} of a schedule is run {@code (n − 1) mod runs() + 1} of the cycle, and runs the tests whose
     * {@code pair / perRun} is that run's (the order: {@code Rotation}).
     *
     * @param test the plan's test, by its name
     * @param shape {@code mesh} or {@code disjoint}
     * @param pair the test's pair's place in the order, from 0
     * @param pairs how many pairs the order has (P)
     * @param perRun how many pairs a run runs (K)
     */
    public record Turn(String test, String shape, long pair, long pairs, int perRun) {
        /** Checks the bounds. */
        public Turn {
            PlanValue.NAME.require("rotating test name", test);
            if (!shape.equals("mesh") && !shape.equals("disjoint")) {
                throw new IllegalArgumentException("a rotation is a mesh or a disjoint test, not '" + shape + "'");
            }
            if (perRun < 1 || pairs < 1 || pair < 0 || pair >= pairs) {
                throw new IllegalArgumentException("test '" + test + "': pair " + pair + " of " + pairs + ", " + perRun
                        + " a run, is not a turn");
            }
        }

        /** The runs of a cycle: {@code ⌈pairs / perRun⌉}. */
        public long runs() {
            return (pairs + perRun - 1) / perRun;
        }

        /** The run of the cycle that runs this test, from 1. */
        public long cycleRun() {
            return pair / perRun + 1;
        }

        /** Where run {@code run} of a schedule (from 1) is in the cycle, from 1. */
        public long cycleRun(long run) {
            if (run < 1) {
                throw new IllegalArgumentException("runs are numbered from 1, not " + run);
            }
            return (run - 1) % runs() + 1;
        }

        /** Whether run {@code run} of a schedule runs this test. */
        public boolean runsIn(long run) {
            return cycleRun(run) == cycleRun();
        }

        /**
         * Where the rotation is in run {@code run}, as the terminal says it: {@code mesh m: run 3 of 12, pairs 2 401-3 600
         * of 9 900} (the pairs counted from 1; thousands set apart by a space).
         */
        public String where(long run) {
            long cycle = cycleRun(run);
            long from = (cycle - 1) * perRun + 1;
            long to = Math.min(pairs, cycle * perRun);
            return shape + " " + test + ": run " + cycle + " of " + runs() + ", " + (from == to ? "pair " + grouped(from)
                    : "pairs " + grouped(from) + "-" + grouped(to)) + " of " + grouped(pairs);
        }

        /** {@code n} with its thousands set apart by a space: {@code 9 900}. */
        public static String grouped(long n) {
            String digits = Long.toString(n);
            StringBuilder b = new StringBuilder();
            for (int i = 0; i < digits.length(); i++) {
                if (i > 0 && (digits.length() - i) % 3 == 0) {
                    b.append(' ');
                }
                b.append(digits.charAt(i));
            }
            return b.toString();
        }
    }

    /**
     * One test of a plan, with its pair resolved.
     *
     * @param id unique in the plan; used in file names
     * @param sender the sending node's id (iperf client)
     * @param receiver the receiving node's id (iperf server)
     * @param direction which way it goes ({@link Direction#UP}, {@link Direction#DOWN} or {@link Direction#BIDIR};
     *        a plan's {@code both} is one test of each)
     * @param spec what runs
     * @param repeat which repeat, from 1
     * @param turn its place in a rotating mesh or disjoint test ({@code per_run}), which says the runs of a schedule that
     *        run it; empty: every run
     */
    public record Test(String id, String sender, String receiver, Direction direction, TestSpec spec, int repeat,
            Optional<Turn> turn) {
        /** Checks presence, and the id and host ids ({@link PlanValue}). */
        public Test {
            PlanValue.TEST_ID.require("test id", id);
            PlanValue.NAME.require("test '" + id + "' sender", sender);
            PlanValue.NAME.require("test '" + id + "' receiver", receiver);
            Objects.requireNonNull(direction, "direction");
            Objects.requireNonNull(spec, "spec");
            Objects.requireNonNull(turn, "turn");
        }

        /** A test that every run of a schedule runs. */
        public Test(String id, String sender, String receiver, Direction direction, TestSpec spec, int repeat) {
            this(id, sender, receiver, direction, spec, repeat, Optional.empty());
        }

        /** Whether run {@code run} of a schedule (from 1) runs it: every run, unless its {@link #turn} says otherwise. */
        public boolean runsIn(long run) {
            return turn.isEmpty() || turn.get().runsIn(run);
        }

        /**
         * The rule that a host does not test against itself: its error in words when {@code sender} is
         * {@code receiver}, else none. The plan builder, the plan file's located messages, the runner's check and
         * the seed's {@link IperfSession.SenderReceiver} all ask it.
         */
        public static Optional<String> sendsToItself(String sender, String receiver) {
            return sender.equals(receiver) ? Optional.of("a host cannot send to itself (" + sender + ")") : Optional.empty();
        }
    }
}
