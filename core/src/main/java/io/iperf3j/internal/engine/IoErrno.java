package io.iperf3j.internal.engine;

import java.util.Map;

/**
 * The errno a Java I/O failure stands for, and glibc's {@code strerror} text for it: the
 * codes that travel after SERVER_ERROR and the texts iperf3 appends to its messages. The
 * JDK's exceptions carry no errno, only text, so this maps text and exception type back,
 * and holds glibc's texts itself so the messages are iperf3's with native access off too.
 * The native layer's {@code io.iperf3j.sys.Errno} is the other side: the errno numbers its
 * system calls return, named.
 */
public final class IoErrno {
    static final int EPERM = 1;
    static final int ENOENT = 2;
    static final int EACCES = 13;
    static final int EINVAL = 22;
    static final int EADDRINUSE = 98;
    static final int EADDRNOTAVAIL = 99;

    private static final Map<Integer, String> TEXT = Map.ofEntries(
            Map.entry(1, "Operation not permitted"),
            Map.entry(2, "No such file or directory"),
            Map.entry(4, "Interrupted system call"),
            Map.entry(5, "Input/output error"),
            Map.entry(9, "Bad file descriptor"),
            Map.entry(11, "Resource temporarily unavailable"),
            Map.entry(12, "Cannot allocate memory"),
            Map.entry(13, "Permission denied"),
            Map.entry(22, "Invalid argument"),
            Map.entry(23, "Too many open files in system"),
            Map.entry(24, "Too many open files"),
            Map.entry(28, "No space left on device"),
            Map.entry(32, "Broken pipe"),
            Map.entry(92, "Protocol not available"),
            Map.entry(93, "Protocol not supported"),
            Map.entry(95, "Operation not supported"),
            Map.entry(97, "Address family not supported by protocol"),
            Map.entry(98, "Address already in use"),
            Map.entry(99, "Cannot assign requested address"),
            Map.entry(100, "Network is down"),
            Map.entry(101, "Network is unreachable"),
            Map.entry(103, "Software caused connection abort"),
            Map.entry(104, "Connection reset by peer"),
            Map.entry(105, "No buffer space available"),
            Map.entry(107, "Transport endpoint is not connected"),
            Map.entry(110, "Connection timed out"),
            Map.entry(111, "Connection refused"),
            Map.entry(113, "No route to host"));

    private IoErrno() {
    }

    /** glibc's text for the errno, or {@code "Unknown error N"} as glibc prints it. */
    static String text(int errno) {
        String t = TEXT.get(errno);
        return t != null ? t : "Unknown error " + errno;
    }

    /**
     * The errno the JDK's exceptions that carry no strerror text stand for: a connected
     * UDP socket's ICMP port-unreachable ({@code ECONNREFUSED}, which 3.21's {@code recv}
     * returns), a channel closed under the call ({@code EBADF}, as a closed descriptor) or
     * by an interrupt ({@code EINTR}), an unconnected socket ({@code ENOTCONN}). Checked in
     * this order (a {@code ClosedByInterruptException} is an {@code AsynchronousCloseException}).
     */
    private static int typeErrno(Throwable e) {
        return switch (e) {
            case java.net.PortUnreachableException x -> 111;
            case java.nio.channels.ClosedByInterruptException x -> 4;
            case java.nio.channels.ClosedChannelException x -> 9;
            case java.nio.channels.NotYetConnectedException x -> 107;
            default -> 0;
        };
    }

    /** The errno whose text is the message of this exception (the JDK reports strerror texts), or 0. */
    public static int of(Throwable e) {
        int typed = typeErrno(e);
        if (typed != 0) {
            return typed;
        }
        String m = e.getMessage();
        if (m == null) {
            return 0;
        }
        for (Map.Entry<Integer, String> entry : TEXT.entrySet()) {
            if (m.contains(entry.getValue())) {
                return entry.getKey();
            }
        }
        return 0;
    }

    /**
     * The text iperf3 prints after an error's name: the JDK's message (a strerror text), the
     * strerror text of the errno the exception's type stands for, or glibc's EIO text for one
     * with neither. Never a Java class name: this is the one place an exception becomes
     * iperf3's words.
     */
    public static String describe(Throwable e) {
        if (e instanceof java.nio.channels.UnresolvedAddressException) {
            return "Name or service not known";
        }
        int typed = typeErrno(e);
        if (typed != 0) {
            return text(typed);
        }
        String m = e.getMessage();
        if (m == null || m.isBlank()) {
            return text(5);
        }
        return m;
    }

    /**
     * Whether {@code e} is a connection reset by the peer (ECONNRESET), which the JDK reports
     * as a {@link java.net.SocketException} with "Connection reset" or "Connection reset by
     * peer" and no errno of its own.
     */
    public static boolean isConnectionReset(Throwable e) {
        return e instanceof java.net.SocketException && e.getMessage() != null
                && e.getMessage().startsWith("Connection reset");
    }
}
