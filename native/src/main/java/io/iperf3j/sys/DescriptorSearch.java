package io.iperf3j.sys;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.net.StandardSocketOptions;
import java.nio.channels.AsynchronousServerSocketChannel;
import java.nio.channels.AsynchronousSocketChannel;
import java.nio.channels.DatagramChannel;
import java.nio.channels.NetworkChannel;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;

/**
 * Finds the descriptor behind a JDK channel by address, as {@link NativeSocket}
 * describes ("Finding the descriptor"): list {@code /proc/self/fd}, ask the kernel
 * for each descriptor's local address, then type, protocol, listening state and
 * peer for the few that match, fold duplicates by socket inode, and tell apart
 * sockets sharing a port by flipping {@code SO_REUSEADDR}. Runs on the calling
 * thread; the rare probe is serialised across threads.
 */
final class DescriptorSearch {
    static final Path PROC_FD = Path.of("/proc/self/fd");
    private static final String SOCKET_LINK_PREFIX = "socket:[";
    /** Serialises the SO_REUSEADDR disambiguation probe (rare) across threads. */
    private static final Object PROBE_LOCK = new Object();

    /** The socket found: descriptor, address family, type and {@code SO_COOKIE}. */
    record Found(int fd, int family, int type, long cookie) {
    }

    private DescriptorSearch() {
    }

    /**
     * The one socket behind {@code channel}, or empty (never an exception) when the
     * channel is unbound, not an IP channel, closed meanwhile, or when no socket (or
     * more than one that cannot be told apart) matches.
     */
    static Optional<Found> find(Libc libc, NetworkChannel channel) {
        try {
            Expectation expect = Expectation.of(channel);
            if (expect == null) {
                return Optional.empty();
            }
            return lookup(libc, channel, expect);
        } catch (Exception e) { // IOException (closed meanwhile), UncheckedIOException, SecurityException...
            return Optional.empty();
        }
    }

    /** What the kernel must report for the channel's socket. */
    private record Expectation(int type, int protocol, boolean listening,
                               InetSocketAddress local, InetSocketAddress remote, boolean remoteOptional) {

        static Expectation of(NetworkChannel ch) throws IOException {
            if (!(ch.getLocalAddress() instanceof InetSocketAddress local) || local.getPort() == 0
                    || local.getAddress() == null) {
                return null;
            }
            return switch (ch) {
                case SocketChannel sc -> new Expectation(Libc.SOCK_STREAM, Libc.IPPROTO_TCP, false, local,
                        inet(sc.getRemoteAddress()), sc.isConnectionPending());
                case ServerSocketChannel ignored ->
                        new Expectation(Libc.SOCK_STREAM, Libc.IPPROTO_TCP, true, local, null, false);
                case DatagramChannel dc -> new Expectation(Libc.SOCK_DGRAM, Libc.IPPROTO_UDP, false, local,
                        inet(dc.getRemoteAddress()), false);
                case AsynchronousSocketChannel ac -> new Expectation(Libc.SOCK_STREAM, Libc.IPPROTO_TCP, false,
                        local, inet(ac.getRemoteAddress()), false);
                case AsynchronousServerSocketChannel ignored ->
                        new Expectation(Libc.SOCK_STREAM, Libc.IPPROTO_TCP, true, local, null, false);
                default -> null;
            };
        }

        private static InetSocketAddress inet(SocketAddress a) {
            return a instanceof InetSocketAddress i ? i : null;
        }
    }

    private record Candidate(int fd, long inode, int family) {
    }

    private static Optional<Found> lookup(Libc libc, NetworkChannel channel, Expectation expect)
            throws IOException {
        Map<Long, Candidate> byInode = new LinkedHashMap<>();
        try (CallScope c = new CallScope(libc);
             DirectoryStream<Path> dir = Files.newDirectoryStream(PROC_FD)) {
            for (Path entry : dir) {
                int fd = parseFd(entry.getFileName().toString());
                if (fd < 0) {
                    continue;
                }
                // Ask the kernel first: getsockname fails at once (ENOTSOCK) for
                // non-sockets and rejects nearly every socket by address, so the
                // link is read only for the one or two descriptors that match.
                int family = matches(c, fd, expect);
                if (family == 0) {
                    continue;
                }
                long inode = socketInode(entry);
                if (inode >= 0) { // a dup of a matched socket keeps the first (lowest) fd
                    byInode.putIfAbsent(inode, new Candidate(fd, inode, family));
                }
            }
            List<Candidate> found = new ArrayList<>(byInode.values());
            if (found.size() > 1) {
                found = disambiguate(c, channel, found);
            }
            if (found.size() != 1 || !channel.isOpen()) {
                return Optional.empty();
            }
            Candidate hit = found.getFirst();
            long cookie = c.getLong(hit.fd(), Libc.SOL_SOCKET, Libc.SO_COOKIE).orElse(0L);
            return Optional.of(new Found(hit.fd(), hit.family(), expect.type(), cookie));
        }
    }

    /**
     * Several unconnected sockets share the address (SO_REUSEADDR/SO_REUSEPORT):
     * flip SO_REUSEADDR through the channel and keep the candidate that follows.
     */
    private static List<Candidate> disambiguate(CallScope c, NetworkChannel channel, List<Candidate> found)
            throws IOException {
        if (!channel.supportedOptions().contains(StandardSocketOptions.SO_REUSEADDR)) {
            return found;
        }
        synchronized (PROBE_LOCK) {
            boolean original = channel.getOption(StandardSocketOptions.SO_REUSEADDR);
            int[] before = new int[found.size()];
            for (int i = 0; i < before.length; i++) {
                before[i] = c.getInt(found.get(i).fd(), Libc.SOL_SOCKET, Libc.SO_REUSEADDR).orElse(-1);
            }
            List<Candidate> followers = new ArrayList<>();
            channel.setOption(StandardSocketOptions.SO_REUSEADDR, !original);
            try {
                int flipped = original ? 0 : 1;
                for (int i = 0; i < before.length; i++) {
                    int now = c.getInt(found.get(i).fd(), Libc.SOL_SOCKET, Libc.SO_REUSEADDR).orElse(-1);
                    if (now != before[i] && (now != 0 ? 1 : 0) == flipped) {
                        followers.add(found.get(i));
                    }
                }
            } finally {
                channel.setOption(StandardSocketOptions.SO_REUSEADDR, original);
            }
            return followers;
        }
    }

    private static int parseFd(String name) {
        if (name.isEmpty() || name.length() > 9) {
            return -1;
        }
        int v = 0;
        for (int i = 0; i < name.length(); i++) {
            char ch = name.charAt(i);
            if (ch < '0' || ch > '9') {
                return -1;
            }
            v = v * 10 + (ch - '0');
        }
        return v;
    }

    /** The inode of a {@code socket:[N]} link, or -1. */
    private static long socketInode(Path entry) {
        String link;
        try {
            link = Files.readSymbolicLink(entry).toString();
        } catch (IOException | UnsupportedOperationException e) {
            return -1;
        }
        if (!link.startsWith(SOCKET_LINK_PREFIX) || !link.endsWith("]")) {
            return -1;
        }
        try {
            return Long.parseLong(link, SOCKET_LINK_PREFIX.length(), link.length() - 1, 10);
        } catch (NumberFormatException e) {
            return -1;
        }
    }

    /**
     * Whether descriptor {@code fd} is the socket described by
     * {@code expect}; returns its address family, or 0 if not.
     */
    private static int matches(CallScope c, int fd, Expectation expect) {
        SockAddr local = c.name(fd, false);
        if (local == null || !local.sameEndpoint(expect.local())) {
            return 0;
        }
        if (c.getInt(fd, Libc.SOL_SOCKET, Libc.SO_TYPE).orElse(-1) != expect.type()) {
            return 0;
        }
        OptionalInt protocol = c.getInt(fd, Libc.SOL_SOCKET, Libc.SO_PROTOCOL);
        // a TCP channel may carry an MPTCP socket (MultipathTcp.replace)
        boolean mptcpForTcp = expect.protocol() == Libc.IPPROTO_TCP && protocol.orElse(-1) == Libc.IPPROTO_MPTCP;
        if (protocol.isPresent() && protocol.getAsInt() != expect.protocol() && !mptcpForTcp) {
            return 0;
        }
        if (expect.type() == Libc.SOCK_STREAM) {
            OptionalInt acceptConn = c.getInt(fd, Libc.SOL_SOCKET, Libc.SO_ACCEPTCONN);
            if (acceptConn.isPresent() && (acceptConn.getAsInt() != 0) != expect.listening()) {
                return 0;
            }
        }
        SockAddr peer = c.name(fd, true);
        if (peer == null) {
            if (c.lastErrno != Libc.ENOTCONN) {
                return 0;
            }
            if (expect.remote() != null && !expect.remoteOptional()) {
                return 0;
            }
        } else if (expect.remote() == null || !peer.samePeer(expect.remote())) {
            return 0;
        }
        return local.family();
    }
}
