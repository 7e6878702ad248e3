package io.iperf3j.session;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Round-robin scheduling for parallel plans: the circle method pairs N hosts in N−1
 * rounds of N/2 disjoint pairs, and {@link #rounds} packs any list of tests into rounds
 * whose hosts are disjoint (first fit, keeping each pair's repeats in order). Pure.
 */
final class RoundRobin {
    private RoundRobin() {
    }

    /** The circle method: rounds of disjoint pairs covering every unordered pair once (a bye when N is odd). */
    static List<List<String[]>> circle(List<String> members) {
        List<String> ring = new ArrayList<>(members);
        if (ring.size() % 2 == 1) {
            ring.add(null);
        }
        int n = ring.size();
        List<List<String[]>> rounds = new ArrayList<>();
        for (int r = 0; r < n - 1; r++) {
            List<String[]> round = new ArrayList<>();
            for (int i = 0; i < n / 2; i++) {
                String a = ring.get(i);
                String b = ring.get(n - 1 - i);
                if (a != null && b != null) {
                    // alternate who is first so that "up" is not always the lower-listed host
                    round.add(r % 2 == 0 || i > 0 ? new String[] {a, b} : new String[] {b, a});
                }
            }
            rounds.add(round);
            // keep the first fixed, rotate the rest by one
            ring.add(1, ring.remove(n - 1));
        }
        return rounds;
    }

    /** Tests packed into rounds in which no host is in two tests. */
    static List<List<Plan.Test>> rounds(List<Plan.Test> tests) {
        List<List<Plan.Test>> rounds = new ArrayList<>();
        List<Set<String>> busy = new ArrayList<>();
        Map<String, Integer> lastRoundOfPair = new HashMap<>();
        for (Plan.Test t : tests) {
            String pair = t.sender() + "\u0000" + t.receiver() + "\u0000" + t.direction();
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
}
