package io.iperf3j.session;

import java.util.Objects;

/**
 * One test of a plan, with its pair resolved.
 *
 * @param id unique in the plan; used in file names
 * @param sender the sending node's id (iperf client)
 * @param receiver the receiving node's id (iperf server)
 * @param direction the direction word it came from ({@code up}, {@code down}, {@code bidir})
 * @param spec what runs
 * @param repeat which repeat, from 1
 */
public record PlannedTest(String id, String sender, String receiver, String direction, TestSpec spec, int repeat) {
    /** Checks presence. */
    public PlannedTest {
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(sender, "sender");
        Objects.requireNonNull(receiver, "receiver");
        Objects.requireNonNull(direction, "direction");
        Objects.requireNonNull(spec, "spec");
    }
}
