package io.iperf3j.internal.engine;

import java.io.IOException;
import java.net.StandardSocketOptions;
import java.nio.channels.NetworkChannel;

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
}
