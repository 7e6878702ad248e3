package io.iperf3j.session.internal.agent;

import io.iperf3j.session.Node;
import io.iperf3j.session.Plan;
import java.net.InetAddress;
import java.net.NetworkInterface;
import java.net.SocketException;
import java.net.UnknownHostException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Optional;

/**
 * Which host of the plan this agent is: the one {@code --host-id} names, else the one whose {@code address} is an address of
 * this machine's (exactly one). Its errors say what the agent has: the plan's ids, or this machine's addresses and the plan's.
 */
public final class AgentHost {
    private AgentHost() {
    }

    /**
     * The host this agent is.
     *
     * @param hostId {@code --host-id}, if given
     * @param own this machine's addresses (textual, as {@link #ownAddresses} gives them)
     * @throws IllegalArgumentException naming what it has when no host, or more than one, is this one
     */
    public static Node find(Plan plan, Optional<String> hostId, List<String> own) {
        if (hostId.isPresent()) {
            Node n = plan.hostsById().get(hostId.get());
            if (n == null) {
                throw new IllegalArgumentException("--host-id " + hostId.get() + " is not a host of the plan (its hosts: "
                        + String.join(", ", plan.hostsById().keySet()) + ")");
            }
            return n;
        }
        List<Node> mine = new ArrayList<>();
        for (Node n : plan.hosts()) {
            if (own.contains(literal(n.address()))) {
                mine.add(n);
            }
        }
        if (mine.size() == 1) {
            return mine.getFirst();
        }
        String plans = String.join(", ", plan.hosts().stream().map(n -> n.id() + " " + n.address()).toList());
        if (mine.isEmpty()) {
            throw new IllegalArgumentException("no host of the plan has an address of this machine's (this machine: "
                    + String.join(", ", own) + "; the plan: " + plans + "); name this host with --host-id");
        }
        throw new IllegalArgumentException("hosts " + String.join(", ", mine.stream().map(Node::id).toList())
                + " of the plan all have addresses of this machine's; name this host with --host-id");
    }

    /** An address as {@link InetAddress#getHostAddress} writes it (a name is resolved; one that does not resolve is kept). */
    static String literal(String address) {
        try {
            return InetAddress.getByName(address).getHostAddress();
        } catch (UnknownHostException e) {
            return address;
        }
    }

    /** This machine's addresses, every interface's, as {@link InetAddress#getHostAddress} writes them (no scope). */
    public static List<String> ownAddresses() {
        List<String> all = new ArrayList<>();
        try {
            for (NetworkInterface nif : Collections.list(NetworkInterface.getNetworkInterfaces())) {
                for (InetAddress a : Collections.list(nif.getInetAddresses())) {
                    String text = a.getHostAddress();
                    int scope = text.indexOf('%');
                    all.add(scope < 0 ? text : text.substring(0, scope));
                }
            }
        } catch (SocketException e) {
            // no interface list: only --host-id finds the host
        }
        return all;
    }
}
