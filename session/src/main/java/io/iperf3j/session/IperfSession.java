package io.iperf3j.session;

import io.iperf3j.session.SessionException.IperfConfigurationError;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * One test at a time between two nodes of a set (the seed's {@code IperfSession}): the nodes by id plus a
 * traffic PC, the participants from a node and a direction, and the test itself. Made by
 * {@link Sessions#session}.
 *
 * <p>The nodes are values: the session makes each node's {@link Connection} from its {@link Node#access()} when
 * a test first uses the node, keeps it for the node's later tests, and closes them all at {@link #close()}.
 *
 * <p>Threads: a test runs on the calling thread; tests on disjoint node pairs may run on several threads at
 * once. {@link #stop()} may be called from any thread.
 */
public interface IperfSession extends AutoCloseable {
    /** The node with this id. */
    Node node(String id) throws IperfConfigurationError;

    /**
     * Sender and receiver from the parameters' node and direction (to the node / downlink: the traffic PC
     * sends; from the node / uplink: the node sends).
     */
    SenderReceiver participants(DirectedTest parameters) throws IperfConfigurationError;

    /** {@code node[_prefix][_base].iperf}. */
    String filename(DirectedTest parameters, String prefix);

    /** The seed's call: participants from the parameters, then the test; the result is also kept ({@link #poll()}). */
    TestResult call(DirectedTest parameters, String prefix) throws IperfConfigurationError, InterruptedException;

    /** The last result of {@link #call}, if any. */
    Optional<TestResult> poll();

    /** The two commands a test runs: [receiver's server, sender's client] (for {@code --dry-run}). */
    List<PlannedCommand> commands(SenderReceiver sr, TestSpec spec, String name) throws IperfConfigurationError;

    /**
     * Runs one test: the server on the receiver, the client on the sender, both outputs fetched and read.
     * A failure is a result ({@link TestResult.Outcome.Failed}), not an exception.
     *
     * @param name the test's name in file names
     * @param direction the direction word it was planned with
     * @param repeat which repeat (1-based)
     * @throws InterruptedException if the calling thread is interrupted (the test's processes are stopped)
     */
    TestResult run(SenderReceiver sr, TestSpec spec, String name, String direction, int repeat)
            throws InterruptedException;

    /** Stops every test running now (their processes are killed, the results say so) and any to come. */
    void stop() throws InterruptedException;

    /** Whether {@link #stop()} was called. */
    boolean stopped();

    /**
     * Closes the connections the session opened (after ending what it still runs on their hosts); a test run
     * after opens them again.
     */
    @Override
    void close();

    /**
     * One command a test runs, as {@code --dry-run} shows it.
     *
     * @param commandLine the iperf command line
     * @param script the whole script sent to the host
     */
    record PlannedCommand(String commandLine, String script) {
    }

    /**
     * The two nodes of one test: the sender runs the iperf client, the receiver the server.
     *
     * @param sender the node that sends (iperf client)
     * @param receiver the node that receives (iperf server)
     */
    public record SenderReceiver(Node sender, Node receiver) {
        /** Checks both are present and different. */
        public SenderReceiver {
            Objects.requireNonNull(sender, "sender");
            Objects.requireNonNull(receiver, "receiver");
            Plan.Test.sendsToItself(sender.id(), receiver.id()).ifPresent(itself -> {
                throw new IllegalArgumentException(itself);
            });
        }
    }

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
}
