package io.iperf3j.session;

import java.util.Objects;

/**
 * The seed's per-call parameters: which node, which direction (matched as the seed does:
 * {@code to.*|d.*|r.*} = to the node / downlink, {@code f.*|s.*|t[rx].*|u.*} = from the
 * node / uplink), and the test.
 *
 * @param nodeId the node's id
 * @param direction the direction word
 * @param spec the test
 */
public record DirectedTest(String nodeId, String direction, TestSpec spec) {
    /** Checks presence. */
    public DirectedTest {
        Objects.requireNonNull(nodeId, "nodeId");
        Objects.requireNonNull(direction, "direction");
        Objects.requireNonNull(spec, "spec");
    }
}
