package io.iperf3j.internal.output;

import io.iperf3j.internal.format.CFormat;
import io.iperf3j.internal.format.UnitFormat;

/**
 * iperf3 3.12's text line layouts ({@code iperf_locale.c}), as small functions so
 * that every column is placed exactly as C's printf would place it.
 */
final class TextFormats {
    static final String SEPARATOR = "- - - - - - - - - - - - - - - - - - - - - - - - -";
    static final String SERVER_DASHES = "-----------------------------------------------------------";
    static final String HEADER = "[ ID] Interval           Transfer     Bitrate";
    static final String HEADER_RETRANS = "[ ID] Interval           Transfer     Bitrate         Retr";
    static final String HEADER_RETRANS_CWND = "[ ID] Interval           Transfer     Bitrate         Retr  Cwnd";
    static final String HEADER_UDP = "[ ID] Interval           Transfer     Bitrate         Jitter    Lost/Total Datagrams";
    static final String HEADER_UDP_SENDER = "[ ID] Interval           Transfer     Bitrate         Total Datagrams";
    static final String HEADER_BIDIR = "[ ID][Role] Interval           Transfer     Bitrate";
    static final String HEADER_RETRANS_BIDIR = "[ ID][Role] Interval           Transfer     Bitrate         Retr";
    static final String HEADER_RETRANS_CWND_BIDIR = "[ ID][Role] Interval           Transfer     Bitrate         Retr  Cwnd";
    static final String HEADER_UDP_BIDIR = "[ ID][Role] Interval           Transfer     Bitrate         Jitter    Lost/Total Datagrams";
    static final String OMITTED = "(omitted)";

    private TextFormats() {
    }

    /** {@code [%3d]} or {@code [SUM]}, then the bidir role tag. */
    static String id(int socket, String role) {
        return "[" + pad3(socket) + "]" + role;
    }

    static String sumId(String role) {
        return "[SUM]" + role;
    }

    /** {@code " %6.2f-%-6.2f sec  "} */
    static String time(double start, double end) {
        return " " + CFormat.fixed(start, 6, 2) + "-" + CFormat.leftAligned(CFormat.fixed(end, 2), 6) + " sec  ";
    }

    /** {@code "%ss  %ss/sec"}: transfer in adaptive bytes, rate in the {@code -f} format. */
    static String transferAndRate(double bytes, double bytesPerSecond, char format) {
        return UnitFormat.format(bytes, 'A') + "s  " + UnitFormat.format(bytesPerSecond, format) + "s/sec";
    }

    /** {@code %3u}: iperf3 prints a stream's retransmits as an unsigned 32-bit value. */
    static String unsigned3(long v) {
        return pad3(v & 0xFFFFFFFFL);
    }

    static String signed3(long v) {
        return pad3((int) v);
    }

    /**
     * C's {@code %3d}. Hand-made because {@code String.format}'s first call loads a
     * lot of classes, which would delay the client just after its streams connect.
     */
    static String pad3(long v) {
        String s = Long.toString(v);
        return s.length() >= 3 ? s : "   ".substring(s.length()) + s;
    }

    /** {@code [%3d] local ... connected to ...} */
    static String connected(int socket, String localHost, int localPort, String remoteHost, int remotePort) {
        return "[" + pad3(socket) + "] local " + localHost + " port " + localPort + " connected to " + remoteHost
                + " port " + remotePort;
    }

    /** UDP loss columns: {@code "%5.3f ms  %d/%d (%.2g%%)  "}. */
    static String udpLoss(double jitterMs, long lost, long total, double lostPercent) {
        return CFormat.fixed(jitterMs, 5, 3) + " ms  " + (int) lost + "/" + (int) total + " (" + CFormat.general(lostPercent, 2) + "%)  ";
    }
}
