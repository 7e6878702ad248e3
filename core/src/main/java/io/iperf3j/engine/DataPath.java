package io.iperf3j.engine;

/** Which I/O path the data streams of this JVM use, for {@code --help} and the docs. */
public final class DataPath {
    private DataPath() {
    }

    /** A few lines for the end of {@code --help}. */
    public static String help() {
        return "Data path (iperf3j):\n"
                + "  TCP: one platform thread per stream, non-blocking NIO channel and its own selector,\n"
                + "       one reused direct buffer; -Z sends with FileChannel.transferTo (sendfile)\n"
                + "       (IPERF3J_JAVA_OPTS=-Diperf3j.tcp.io=blocking: blocking reads and writes)\n"
                + "  UDP: " + UdpIo.describe() + "\n"
                + "       (IPERF3J_JAVA_OPTS=-Diperf3j.udp.io=plain: one write/read per datagram;\n"
                + "        -Diperf3j.udp.batch=N: datagrams per call)\n";
    }
}
