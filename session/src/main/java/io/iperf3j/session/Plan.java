package io.iperf3j.session;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Hosts and the tests to run between them. Built by {@link #builder} in Java or read
 * from YAML by {@link PlanFile}; {@link PlanRunner} runs it.
 *
 * @param hosts the hosts, in order
 * @param tests the tests, in the order they run sequentially
 * @param parallel run tests on disjoint host pairs at the same time (each test as soon as both its hosts are free)
 * @param filenameBase put in every raw output's name ("" for none)
 * @param push where results are pushed while the plan runs, if anywhere
 * @param schedule run the tests again and again on this schedule, if given; else once
 */
public record Plan(List<Node> hosts, List<PlannedTest> tests, boolean parallel, String filenameBase,
        Optional<PushTarget> push, Optional<Schedule> schedule) {
    /** Most hosts in one plan. */
    public static final int MAX_HOSTS = 1024;
    /** Most tests in one plan (after expanding meshes and repeats). */
    public static final int MAX_TESTS = 100_000;

    /** A plan run once. */
    public Plan(List<Node> hosts, List<PlannedTest> tests, boolean parallel, String filenameBase, Optional<PushTarget> push) {
        this(hosts, tests, parallel, filenameBase, push, Optional.empty());
    }

    /** This plan with other tests (a resumed run's remaining ones). */
    public Plan withTests(List<PlannedTest> others) {
        return new Plan(hosts, others, parallel, filenameBase, push, schedule);
    }

    /** Copies the lists. */
    public Plan {
        java.util.Objects.requireNonNull(schedule, "schedule");
        hosts = List.copyOf(hosts);
        tests = List.copyOf(tests);
        if (hosts.size() > MAX_HOSTS || tests.size() > MAX_TESTS) {
            throw new IllegalArgumentException("plan over its limits: " + hosts.size() + " hosts (max " + MAX_HOSTS
                    + "), " + tests.size() + " tests (max " + MAX_TESTS + ")");
        }
    }

    /**
     * A Pushgateway to push results to.
     *
     * @param endpoint the gateway's URL
     * @param job the job label
     */
    public record PushTarget(String endpoint, String job) {
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
        private final List<PlannedTest> tests = new ArrayList<>();
        private final Set<String> ids = new HashSet<>();
        private boolean parallel;
        private String filenameBase = "";
        private Optional<PushTarget> push = Optional.empty();
        private Optional<ImageInstall> install = Optional.empty();
        private Optional<Schedule> schedule = Optional.empty();

        Builder(List<Node> hosts) {
            this.hosts = List.copyOf(hosts);
        }

        /** Run disjoint pairs at the same time. */
        public Builder parallel(boolean on) {
            parallel = on;
            return this;
        }

        /** Run the tests again and again on this schedule. */
        public Builder schedule(Schedule s) {
            schedule = Optional.of(s);
            return this;
        }

        /** Base name in the raw outputs' names. */
        public Builder filenameBase(String base) {
            filenameBase = base;
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
        public Builder install(ImageInstall image) {
            install = Optional.of(image);
            return this;
        }

        /** One test, as given. */
        public Builder test(String name, String sender, String receiver, String direction, TestSpec spec, int repeats)
                throws IperfConfigurationError {
            for (int r = 1; r <= repeats; r++) {
                if (tests.size() >= MAX_TESTS) {
                    throw new IperfConfigurationError("plan has more than " + MAX_TESTS + " tests");
                }
                String id = name + "_" + sender + "-" + receiver + (repeats > 1 ? "_r" + r : "");
                if (!ids.add(id)) {
                    throw new IperfConfigurationError("test id '" + id + "' appears twice; give the tests different names");
                }
                tests.add(new PlannedTest(id, sender, receiver, direction, spec, r));
            }
            return this;
        }

        /**
         * Pairs: {@code up} = first sends to second, {@code down} = second to first,
         * {@code both} = one of each, {@code bidir} = one {@code --bidir} test.
         */
        public Builder pairs(String name, List<List<String>> pairs, String direction, TestSpec spec, int repeats)
                throws IperfConfigurationError {
            for (List<String> p : pairs) {
                if (p.size() != 2) {
                    throw new IperfConfigurationError("test '" + name + "': a pair needs two host ids, got " + p);
                }
                directed(name, p.get(0), p.get(1), direction, spec, repeats);
            }
            return this;
        }

        private void directed(String name, String a, String b, String direction, TestSpec spec, int repeats)
                throws IperfConfigurationError {
            switch (direction) {
                case "up" -> test(name, a, b, "up", spec, repeats);
                case "down" -> test(name, b, a, "down", spec, repeats);
                case "both" -> {
                    test(name, a, b, "up", spec, repeats);
                    test(name, b, a, "down", spec, repeats);
                }
                case "bidir" -> test(name, a, b, "bidir", spec.withBidir(true), repeats);
                default -> throw new IperfConfigurationError("test '" + name + "': unknown direction '" + direction
                        + "' (up, down, both, bidir)");
            }
        }

        /**
         * A star from {@code center} (the traffic PC) to each node: {@code up} = node sends
         * to the traffic PC (uplink), {@code down} = traffic PC sends to the node.
         */
        public Builder star(String name, String center, List<String> nodes, String direction, TestSpec spec, int repeats)
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
        public Builder mesh(String name, List<String> members, String direction, TestSpec spec, int repeats)
                throws IperfConfigurationError {
            List<List<String[]>> rounds = RoundRobin.circle(members);
            switch (direction) {
                case "both" -> {
                    for (List<String[]> round : rounds) {
                        for (String[] p : round) {
                            test(name, p[0], p[1], "up", spec, repeats);
                        }
                    }
                    for (List<String[]> round : rounds) {
                        for (String[] p : round) {
                            test(name, p[1], p[0], "down", spec, repeats);
                        }
                    }
                }
                case "up", "down", "bidir" -> {
                    for (List<String[]> round : rounds) {
                        for (String[] p : round) {
                            directed(name, p[0], p[1], direction, spec, repeats);
                        }
                    }
                }
                default -> throw new IperfConfigurationError("test '" + name + "': unknown direction '" + direction
                        + "' (up, down, both, bidir)");
            }
            return this;
        }

        /** The plan. */
        public Plan build() {
            List<Node> nodes = hosts;
            if (install.isPresent()) {
                nodes = hosts.stream().map(n -> n.install().isPresent() || n.commands().containsKey(IperfKind.IPERF3J)
                        || !n.connection().wrapper().prefix().isEmpty() ? n : n.withInstall(install.get())).toList();
            }
            return new Plan(nodes, tests, parallel, filenameBase, push, schedule);
        }
    }
}
