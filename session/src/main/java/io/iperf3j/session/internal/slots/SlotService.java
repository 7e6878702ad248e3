package io.iperf3j.session.internal.slots;

import io.iperf3j.internal.subcommand.LogText;
import io.iperf3j.session.internal.slots.SlotWire.Give;
import io.iperf3j.session.internal.slots.SlotWire.Hello;
import io.iperf3j.session.internal.slots.SlotWire.Park;
import io.iperf3j.session.internal.slots.SlotWire.Refused;
import io.iperf3j.session.internal.slots.SlotWire.Reply;
import io.iperf3j.session.internal.slots.SlotWire.Request;
import io.iperf3j.session.internal.slots.SlotWire.Take;
import java.io.IOException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.Channel;
import java.nio.channels.ClosedChannelException;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;
import java.util.function.LongSupplier;
import jdk.net.ExtendedSocketOptions;
import jdk.net.UnixDomainPrincipal;

/**
 * The host-slots service: the one arbiter through which the sessions of every account on a host take turns, which no
 * account can fill, squat or lie to (docs/design/threat-model.md). It listens on a UNIX socket in a folder only root
 * writes ({@link #SOCKET}, made by systemd's {@code iperf3j-host-slots.socket}, or by {@link #bind}); each peer is
 * known by the kernel's {@code SO_PEERCRED}, so the account it names as a slot's holder is the holder's, whatever that
 * peer says. A controller reaches it over SSH (OpenSSH's {@code direct-streamlocal} channel, which sshd opens as the
 * login user) or, on the host itself, directly. A connection's slots are free the moment it ends: a controller that
 * dies, or whose SSH connection is lost, holds nothing, as the {@code flock}s it replaces did.
 *
 * <p>Limits: lines of at most {@link SlotWire#MAX_LINE} bytes (a longer one ends the connection); at most
 * {@code maxPerAccount} connections of one account and {@code maxConnections} in all (more are answered with an
 * {@code error} line and closed), each holding or waiting for at most {@link SlotTable#MAX_SLOTS_PER_PEER} slots. So one
 * account fills its own share only; the most it can do to another is hold a slot, which the other's sessions wait for a
 * bounded time, naming it (issue 64).
 *
 * <p>Why not {@code flock}s on files (what the agents did before issue 64): sharing them across accounts needs a
 * folder every account may write, and in it each account's names, links and files are what the others read; a review
 * filled it, squatted its names and forged its holders. Why not D-Bus or polkit: hosts without a desktop have neither,
 * and a peer's uid from the kernel is all the arbiter needs.
 *
 * <p>Threads: {@link #serve} accepts on the caller's thread; each connection is read and answered on a virtual thread
 * of its own; the {@link SlotTable} is one monitor; {@link #close} may come from any thread (a signal's).
 */
public final class SlotService implements AutoCloseable {
    /** Where the service listens: {@code /run} is root's alone, and so is the folder in it. */
    public static final Path SOCKET = Path.of("/run/iperf3j/host-slots.sock");
    /** Connections of one account at once, by default: a controller holds one a host it tests. */
    public static final int DEFAULT_MAX_PER_ACCOUNT = 64;
    /** Connections at once, by default. */
    public static final int DEFAULT_MAX_CONNECTIONS = 1024;

    private final ServerSocketChannel server;
    private final Optional<Path> boundPath;
    private final int maxPerAccount;
    private final int maxConnections;
    private final Consumer<String> log;
    private final LongSupplier nanoTime;
    private final SlotTable table = new SlotTable();
    private final AtomicLong ids = new AtomicLong();
    private final Map<String, Integer> perAccount = new HashMap<>();
    private final Map<Long, SocketChannel> open = new ConcurrentHashMap<>();
    private int connections;
    private volatile boolean closed;

    private SlotService(ServerSocketChannel server, Optional<Path> boundPath, int maxPerAccount, int maxConnections, Consumer<String> log,
            LongSupplier nanoTime) {
        if (maxPerAccount < 1 || maxConnections < 1) {
            throw new IllegalArgumentException("the limits must be at least 1");
        }
        this.server = server;
        this.boundPath = boundPath;
        this.maxPerAccount = maxPerAccount;
        this.maxConnections = maxConnections;
        this.log = log;
        this.nanoTime = nanoTime;
    }

    /**
     * The service on the listening UNIX socket this process was given as its standard input (systemd's socket activation
     * with {@code StandardInput=socket}, or inetd's way), or empty when it was given none.
     */
    public static Optional<SlotService> inherited(int maxPerAccount, int maxConnections, Consumer<String> log) throws IOException {
        Channel c = System.inheritedChannel();
        if (c instanceof ServerSocketChannel s && s.getLocalAddress() instanceof UnixDomainSocketAddress) {
            return Optional.of(new SlotService(s, Optional.empty(), maxPerAccount, maxConnections, log, System::nanoTime));
        }
        return Optional.empty();
    }

    /**
     * The service on a socket it makes at {@code socket} (mode 0666: every account may connect): its folder is made (0755)
     * when missing, and must be a folder of this user's or root's that no one else may write, not a link, so that no other
     * account can put a socket of its own in the service's place; a socket left there by an earlier run is replaced.
     *
     * @throws IOException naming the path when the folder is not as it must be, or the socket cannot be made
     */
    public static SlotService bind(Path socket, int maxPerAccount, int maxConnections, Consumer<String> log, LongSupplier nanoTime)
            throws IOException {
        Path dir = socket.toAbsolutePath().getParent();
        if (!Files.exists(dir, LinkOption.NOFOLLOW_LINKS)) {
            Files.createDirectories(dir);
            Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwxr-xr-x"));
        }
        String problem = folderProblem(dir);
        if (problem != null) {
            throw new IOException(dir + " " + problem + ": the service's socket must be where no other account can replace it");
        }
        if (Files.exists(socket, LinkOption.NOFOLLOW_LINKS)) {
            if (!Files.readAttributes(socket, java.nio.file.attribute.BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS).isOther()) {
                throw new IOException(socket + " is there and is not a socket: not replaced");
            }
            Files.delete(socket);
        }
        ServerSocketChannel s = ServerSocketChannel.open(StandardProtocolFamily.UNIX);
        try {
            s.bind(UnixDomainSocketAddress.of(socket), 128);
            Files.setPosixFilePermissions(socket, PosixFilePermissions.fromString("rw-rw-rw-"));
        } catch (IOException e) {
            s.close();
            throw e;
        }
        return new SlotService(s, Optional.of(socket), maxPerAccount, maxConnections, log, nanoTime);
    }

    /** What is wrong with {@code dir} as the socket's folder, or null. */
    static String folderProblem(Path dir) throws IOException {
        var a = Files.readAttributes(dir, java.nio.file.attribute.PosixFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
        if (a.isSymbolicLink()) {
            return "is a symbolic link";
        }
        if (!a.isDirectory()) {
            return "is not a folder";
        }
        int uid = (Integer) Files.getAttribute(dir, "unix:uid", LinkOption.NOFOLLOW_LINKS);
        int myUid = (Integer) Files.getAttribute(Path.of("/proc/self"), "unix:uid");
        if (uid != 0 && uid != myUid) {
            return "is owned by " + a.owner().getName() + ", not by root or this service's user";
        }
        int mode = (Integer) Files.getAttribute(dir, "unix:mode", LinkOption.NOFOLLOW_LINKS);
        if ((mode & 0022) != 0) {
            return String.format("may be written by others (mode %04o)", mode & 07777);
        }
        return null;
    }

    /** Where it listens (for its start line). */
    public String address() {
        try {
            return String.valueOf(server.getLocalAddress());
        } catch (IOException e) {
            return "?";
        }
    }

    /** The table (tests). */
    SlotTable table() {
        return table;
    }

    /** Accepts and serves connections until {@link #close}. */
    public void serve() throws IOException {
        while (!closed) {
            SocketChannel c;
            try {
                c = server.accept();
            } catch (ClosedChannelException e) {
                return;
            } catch (IOException e) {
                if (closed) {
                    return;
                }
                log.accept("accept failed: " + e.getMessage());
                continue;
            }
            Thread.ofVirtual().name("slot-peer").start(() -> connection(c));
        }
    }

    private void connection(SocketChannel c) {
        String account;
        try {
            UnixDomainPrincipal p = c.getOption(ExtendedSocketOptions.SO_PEERCRED);
            account = SlotWire.user(p.user().getName());
        } catch (IOException | UnsupportedOperationException e) {
            close(c);
            return;
        }
        String refused = admit(account);
        if (refused != null) {
            write(c, new Refused(refused));
            close(c);
            log.accept("refused a connection of " + LogText.escape(account) + ": " + refused);
            return;
        }
        SlotTable.Peer peer = new SlotTable.Peer(ids.incrementAndGet(), account);
        open.put(peer.id(), c);
        try {
            if (closed || !write(c, new Hello(SlotWire.VERSION, account))) {
                return;
            }
            serve(c, peer);
        } finally {
            open.remove(peer.id());
            table.drop(peer);
            leave(account);
            close(c);
        }
    }

    /** Reads the peer's requests and answers each, until it goes, sends a line too long, or the service closes. */
    private void serve(SocketChannel c, SlotTable.Peer peer) {
        ByteBuffer in = ByteBuffer.allocate(SlotWire.MAX_LINE);
        try {
            while (!closed) {
                if (c.read(in) < 0) {
                    return;
                }
                int start = 0;
                for (int i = 0; i < in.position(); i++) {
                    if (in.get(i) == '\n') {
                        String line = new String(in.array(), start, i - start, StandardCharsets.ISO_8859_1);
                        start = i + 1;
                        if (!write(c, answer(peer, line))) {
                            return;
                        }
                    }
                }
                in.limit(in.position()).position(start);
                in.compact();
                if (!in.hasRemaining()) {
                    write(c, new Refused("a line of more than " + SlotWire.MAX_LINE + " bytes"));
                    return;
                }
            }
        } catch (IOException e) {
            // the peer went away
        }
    }

    private Reply answer(SlotTable.Peer peer, String line) {
        Optional<Request> r = SlotWire.request(line);
        if (r.isEmpty()) {
            return new Refused("not a request: take, park or give, and a slot name ([a-z0-9_.-], at most " + SlotWire.MAX_SLOT + ")");
        }
        return switch (r.get()) {
            case Take t -> table.take(peer, t.slot(), nanoTime.getAsLong());
            case Park p -> table.park(peer, p.slot(), nanoTime.getAsLong());
            case Give g -> table.give(peer, g.slot());
        };
    }

    /** Counts a connection of {@code account} in, or says why not. */
    private synchronized String admit(String account) {
        if (connections >= maxConnections) {
            return "the service has " + maxConnections + " connections, the most it takes";
        }
        int n = perAccount.getOrDefault(account, 0);
        if (n >= maxPerAccount) {
            return "user " + account + " has " + maxPerAccount + " connections to the service, the most one account may";
        }
        perAccount.put(account, n + 1);
        connections++;
        return null;
    }

    private synchronized void leave(String account) {
        perAccount.computeIfPresent(account, (a, n) -> n <= 1 ? null : n - 1);
        connections--;
    }

    private static boolean write(SocketChannel c, Reply reply) {
        ByteBuffer b = ByteBuffer.wrap((SlotWire.line(reply) + "\n").getBytes(StandardCharsets.US_ASCII));
        try {
            while (b.hasRemaining()) {
                c.write(b);
            }
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    private static void close(SocketChannel c) {
        try {
            c.close();
        } catch (IOException e) {
            // gone already
        }
    }

    /** Stops accepting, ends every connection (their slots are free) and removes the socket it made. */
    @Override
    public void close() {
        closed = true;
        // the socket's file first: closing the listener ends serve(), and the process may exit as soon as it returns
        boundPath.ifPresent(p -> {
            try {
                Files.deleteIfExists(p);
            } catch (IOException e) {
                // left for the next start, which replaces it
            }
        });
        try {
            server.close();
        } catch (IOException e) {
            // closed already
        }
        for (SocketChannel c : open.values()) {
            close(c);
        }
    }
}
