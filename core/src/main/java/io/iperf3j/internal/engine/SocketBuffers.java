package io.iperf3j.internal.engine;

import java.io.IOException;
import java.net.StandardSocketOptions;
import java.nio.channels.NetworkChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.OptionalLong;

/**
 * Socket buffer sizes as iperf3 reports them: what {@code getsockopt} returns.
 * Linux doubles a size set with {@code setsockopt} (for its bookkeeping) and
 * reports the doubled value; the JDK halves it back on Linux. iperf3 prints the
 * kernel's figure ({@code sndbuf_actual}, {@code rcvbuf_actual}) and compares it
 * with {@code -w}, so we undo the JDK's halving.
 */
public final class SocketBuffers {
    private static final boolean LINUX = System.getProperty("os.name", "").startsWith("Linux");

    private SocketBuffers() {
    }

    public static int sendBuffer(NetworkChannel ch) throws IOException {
        return kernelView(ch.getOption(StandardSocketOptions.SO_SNDBUF));
    }

    public static int receiveBuffer(NetworkChannel ch) throws IOException {
        return kernelView(ch.getOption(StandardSocketOptions.SO_RCVBUF));
    }

    private static int kernelView(int jdkValue) {
        return LINUX ? jdkValue * 2 : jdkValue;
    }

    /**
     * The most TCP's autotuning grows a buffer to in this network namespace: the third field of
     * {@code /proc/sys/net/ipv4/tcp_rmem} ({@code receive}) or {@code tcp_wmem}; empty where it cannot be read (not
     * Linux). {@code --why} holds a buffer against it: one that reached it was capped by the sysctl.
     */
    public static OptionalLong tcpMax(boolean receive) {
        // read as a stream: /proc's files say they are empty, and Files.readString reads only a first chunk of them
        try (java.io.BufferedReader in = Files.newBufferedReader(Path.of("/proc/sys/net/ipv4",
                receive ? "tcp_rmem" : "tcp_wmem"))) {
            String line = in.readLine();
            String[] f = line == null ? new String[0] : line.trim().split("\\s+");
            return f.length == 3 ? OptionalLong.of(Long.parseLong(f[2])) : OptionalLong.empty();
        } catch (IOException | RuntimeException e) {
            return OptionalLong.empty();
        }
    }
}
