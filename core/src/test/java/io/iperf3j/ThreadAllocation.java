package io.iperf3j;

import java.lang.management.ManagementFactory;
import java.util.HashMap;
import java.util.Map;
import java.util.function.Predicate;

/** Bytes allocated by this JVM's threads ({@code com.sun.management.ThreadMXBean}), for the allocation tests. */
final class ThreadAllocation {
    private ThreadAllocation() {
    }

    /** The live threads whose name {@code name} accepts: id to name. */
    static Map<Long, String> threads(Predicate<String> name) {
        Map<Long, String> threads = new HashMap<>();
        for (Thread t : Thread.getAllStackTraces().keySet()) {
            if (name.test(t.getName())) {
                threads.put(t.threadId(), t.getName());
            }
        }
        return threads;
    }

    /**
     * The live threads whose name {@code name} accepts that are not in {@code before}: those started since it was
     * taken. A thread an earlier test left running has the same names as the test's own (iperf3j-client,
     * iperf3j-client-stream-1-rx) and is not the test's to measure.
     */
    static Map<Long, String> startedSince(Predicate<String> name, Map<Long, String> before) {
        Map<Long, String> threads = threads(name);
        threads.keySet().removeAll(before.keySet());
        return threads;
    }

    /** The bytes each of {@code threads} has allocated so far, by id. */
    static Map<Long, Long> allocated(Map<Long, String> threads) {
        com.sun.management.ThreadMXBean mx = (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
        Map<Long, Long> bytes = new HashMap<>();
        for (long id : threads.keySet()) {
            bytes.put(id, mx.getThreadAllocatedBytes(id));
        }
        return bytes;
    }

    /**
     * What each of {@code threads} allocated between two {@link #allocated} readings, by name; two threads of one
     * name fail (one would hide the other's figure).
     */
    static Map<String, Long> between(Map<Long, String> threads, Map<Long, Long> before, Map<Long, Long> after) {
        Map<String, Long> delta = new HashMap<>();
        for (Map.Entry<Long, String> t : threads.entrySet()) {
            if (delta.put(t.getValue(), after.get(t.getKey()) - before.get(t.getKey())) != null) {
                throw new AssertionError("two threads named " + t.getValue() + " among " + threads);
            }
        }
        return delta;
    }
}
