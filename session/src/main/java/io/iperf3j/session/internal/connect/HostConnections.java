package io.iperf3j.session.internal.connect;

import io.iperf3j.session.Connection;
import io.iperf3j.session.Node;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;

/**
 * A run's connections to its hosts: where a plan of plain values ({@link Node.Access}) is bound. Each node's
 * {@link Connection} is made from its access the first time the run asks for it (one per node id, shared by
 * all the node's tests and its host agent; making one does no I/O: an SSH connection logs in on its first
 * command), and {@link #close()} closes every one made. A closed connection opens again if it is used after
 * (an SSH one logs in again), as it did when a node held its connection. The SSH connections share one
 * {@link SshClientGroup}: one MINA client for the run, whatever the number of hosts.
 *
 * <p>Owned by one run (a {@code PairSession}, and the {@code PlanExecution} around it), which closes it at
 * its end; {@link #of} may be called from any of the run's threads at once.
 */
public final class HostConnections implements AutoCloseable {
    private final SshClientGroup clients = new SshClientGroup();
    private final Map<String, Connection> byNode = new ConcurrentHashMap<>();

    /** No connection yet. */
    public HostConnections() {
    }

    /** {@code node}'s connection in this run, made from its {@link Node#access()} on the first call for its id. */
    public Connection of(Node node) {
        Objects.requireNonNull(node, "node");
        return byNode.computeIfAbsent(node.id(), id -> connect(node.access(), clients));
    }

    /**
     * A connection that reaches a host as {@code access} says, not opened yet: a local one, an SSH one on
     * {@code clients}, or what a {@link Node.Access.Custom} makes.
     */
    public static Connection connect(Node.Access access, SshClientGroup clients) {
        return switch (access) {
            case Node.Access.Local local -> new LocalConnection(local.wrapper());
            case Node.Access.Ssh ssh -> new SshConnection(ssh.settings(), clients);
            case Node.Access.Custom custom -> Objects.requireNonNull(custom.connect().get(),
                    "the custom access's connect gave no connection");
        };
    }

    /** Closes every connection made so far (they stay this run's: used again, they open again). */
    @Override
    public void close() {
        for (Connection c : List.copyOf(byNode.values())) {
            c.close();
        }
    }
}
