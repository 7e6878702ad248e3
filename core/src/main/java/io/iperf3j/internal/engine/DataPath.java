package io.iperf3j.internal.engine;


import io.iperf3j.internal.engine.udp.UdpIo;
/** Which I/O path the data streams of this JVM use, for {@code --help} and the docs. */
public final class DataPath {
    private DataPath() {
    }

    /** A few lines for the end of {@code --help}. */
    public static String help() {
        return "Data path (iperf3j):\n"
                + "  TCP: one platform thread per stream, blocking NIO channel, one reused direct buffer;\n"
                + "       -Z sends with FileChannel.transferTo (sendfile)\n"
                + "  UDP: " + UdpIo.describe() + ";\n"
                + "       receivers without -w ask for a " + UdpIo.receiveBuffer() / 1024 + " KiB receive buffer"
                + " (capped by net.core.rmem_max)\n"
                + "       (IPERF3J_JAVA_OPTS=-Diperf3j.udp.io=plain: one write/read per datagram;\n"
                + "        -Diperf3j.udp.batch=N: datagrams per call;\n"
                + "        -Diperf3j.udp.receiveBuffer=0: the system's default, as iperf3)\n";
    }
}
