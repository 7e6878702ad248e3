package io.iperf3j.internal.output;

import io.iperf3j.internal.format.CFormat;
import io.iperf3j.internal.format.UnitFormat;

/**
 * iperf3 3.12's text line layouts ({@code iperf_locale.c}), as small functions so
 * that every column is placed exactly as C's printf would place it. The columns of an
 * interval line also come as {@code append} functions that write into the reporter's
 * line buffer and allocate nothing (issue 58); the {@code String} ones are the same text.
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
    /** The id column of a sum line, before its bidir role tag. */
    static final String SUM_ID = "[SUM]";

    private TextFormats() {
    }

    /** {@code [%3d]} or {@code [SUM]}, then the bidir role tag. */
    static String id(int socket, String role) {
        return appendId(new StringBuilder(16), socket, role).toString();
    }

    static StringBuilder appendId(StringBuilder sb, int socket, String role) {
        return appendPad3(sb.append('['), socket).append(']').append(role);
    }

    static String sumId(String role) {
        return SUM_ID + role;
    }

    /** {@code " %6.2f-%-6.2f sec  "} */
    static String time(double start, double end) {
        return appendTime(new StringBuilder(24), start, end).toString();
    }

    static StringBuilder appendTime(StringBuilder sb, double start, double end) {
        CFormat.appendFixed(sb.append(' '), start, 6, 2).append('-');
        int at = sb.length();
        return CFormat.padRight(CFormat.appendFixed(sb, end, 0, 2), at, 6).append(" sec  "); // %-6.2f
    }

    /** {@code "%ss  %ss/sec"}: transfer in adaptive bytes, rate in the {@code -f} format. */
    static String transferAndRate(double bytes, double bytesPerSecond, char format) {
        return appendTransferAndRate(new StringBuilder(32), bytes, bytesPerSecond, format).toString();
    }

    static StringBuilder appendTransferAndRate(StringBuilder sb, double bytes, double bytesPerSecond, char format) {
        UnitFormat.appendTo(sb, bytes, 'A').append("s  ");
        return UnitFormat.appendTo(sb, bytesPerSecond, format).append("s/sec");
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
        return appendPad3(new StringBuilder(4), v).toString();
    }

    static StringBuilder appendPad3(StringBuilder sb, long v) {
        int at = sb.length();
        return CFormat.padLeft(sb.append(v), at, 3);
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
