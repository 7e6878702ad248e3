package io.iperf3j.session;

import java.util.ArrayList;
import java.util.List;

/**
 * Round-robin scheduling for parallel plans: the circle method pairs N hosts in N−1
 * rounds of N/2 disjoint pairs. Pure.
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
}
