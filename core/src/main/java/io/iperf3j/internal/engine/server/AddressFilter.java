package io.iperf3j.internal.engine.server;

import io.iperf3j.internal.engine.AddressText;
import io.iperf3j.internal.options.AddressRule;

import java.net.Inet4Address;
import java.net.InetAddress;
import java.util.List;

/**
 * {@code --allow} and {@code --deny}: which client addresses the server talks to. The longest
 * matching prefix among all rules decides, whatever their order; an allow and a deny rule of
 * the same prefix: deny. An address no rule matches is allowed unless some {@code --allow} is
 * given. One binary trie per family, so a check costs at most the prefix's bits. An
 * IPv4-mapped IPv6 address is checked as its IPv4 address. Immutable: built before the server
 * accepts, read by the acceptor.
 */
final class AddressFilter {
    /** What {@link #check} decided, and by which rule (null: no rule matched). */
    record Decision(boolean allowed, AddressRule rule) {
        /** The deciding rule as the log prints it, {@code default} when none matched. */
        String ruleText() {
            return rule == null ? "default" : prefix(rule);
        }
    }

    private static final class Node {
        final Node[] child = new Node[2];
        AddressRule allow;
        AddressRule deny;
    }

    private final Node v4 = new Node();
    private final Node v6 = new Node();
    private final boolean anyAllow;

    AddressFilter(List<AddressRule> rules) {
        boolean allows = false;
        for (AddressRule r : rules) {
            Node n = r.network() instanceof Inet4Address ? v4 : v6;
            byte[] b = r.network().getAddress();
            for (int i = 0; i < r.length(); i++) {
                int bit = bit(b, i);
                if (n.child[bit] == null) {
                    n.child[bit] = new Node();
                }
                n = n.child[bit];
            }
            if (r.allow()) {
                n.allow = r;
                allows = true;
            } else {
                n.deny = r;
            }
        }
        this.anyAllow = allows;
    }

    private static int bit(byte[] b, int i) {
        return (b[i >>> 3] >>> (7 - (i & 7))) & 1;
    }

    /** The rule for {@code a}: the longest matching prefix, deny on a tie, else the default. */
    Decision check(InetAddress a) {
        byte[] b = a.getAddress();
        Node n = v6;
        int from = 0;
        if (a instanceof Inet4Address) {
            n = v4;
        } else if (AddressText.isV4Mapped(b)) {
            n = v4;
            from = 12;
        }
        Decision found = new Decision(!anyAllow, null);
        int bits = (b.length - from) * 8;
        for (int i = 0; ; i++) {
            if (n.deny != null) {
                found = new Decision(false, n.deny);
            } else if (n.allow != null) {
                found = new Decision(true, n.allow);
            }
            if (i == bits) {
                return found;
            }
            n = n.child[bit(b, from * 8 + i)];
            if (n == null) {
                return found;
            }
        }
    }

    /** A rule's prefix as the log prints it: {@code 10.9.0.0/16}, {@code 2001:db8::/32}. */
    static String prefix(AddressRule r) {
        return AddressText.of(r.network()) + "/" + r.length();
    }
}
