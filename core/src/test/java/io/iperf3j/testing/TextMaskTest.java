package io.iperf3j.testing;

import static org.assertj.core.api.Assertions.assertThat;

import io.iperf3j.internal.json.JsonObject;

import java.util.List;

import org.junit.jupiter.api.Test;

/** The masking and tolerance rules the fidelity tests rely on: what they forgive and what they catch. */
class TextMaskTest {
    private static final String C_LINE = "[  5]   0.00-1.01   sec  1.03 GBytes  8.77 Gbits/sec    2   1.75 MBytes       ";

    @Test
    void numbersOfAnyValueInTheSameFieldsMatch() {
        assertThat(TextMask.sameLayout(C_LINE,
                "[  7]  10.00-11.00  sec   475 MBytes   100 Mbits/sec  120    767 KBytes       ")).isTrue();
        assertThat(TextMask.sameLayout("[  5]   2.00-2.01   sec  5.12 MBytes  4.29 Gbits/sec                  ",
                "[  5]   2.00-2.00   sec  0.00 Bytes  0.00 bits/sec                  ")).isTrue();
        assertThat(TextMask.mask(C_LINE))
                .isEqualTo("[nnn]   ####-~~~~~~ sec  #### *Bytes  #### *bits/sec    #   #### *Bytes       ");
    }

    @Test
    void numbersThatOutgrowTheirFieldMayPushTheLine() {
        // -f k rates, 4-digit retransmits, 5-digit ports: iperf3's own columns move too
        assertThat(TextMask.sameLayout("[  5]   0.00-1.00   sec  1.85 GBytes  15946512 Kbits/sec",
                "[  5]   0.00-1.00   sec  1.85 GBytes  9000000 Kbits/sec")).isTrue();
        assertThat(TextMask.sameLayout(C_LINE,
                "[  5]   0.00-1.01   sec  1.03 GBytes  8.77 Gbits/sec  1234   1.75 MBytes       ")).isTrue();
        assertThat(TextMask.sameLayout("Connecting to host 127.0.0.1, port 5201",
                "Connecting to host 127.0.0.1, port 45201")).isTrue();
    }

    @Test
    void wrongWidthsSpacingAndColumnsAreCaught() {
        // %5.2f instead of %6.2f for the start time
        assertThat(TextMask.sameLayout(C_LINE,
                "[  5]  0.00-1.01   sec  1.03 GBytes  8.77 Gbits/sec    2   1.75 MBytes       ")).isFalse();
        // left-aligned end time padded to 5 instead of 6
        assertThat(TextMask.sameLayout(C_LINE,
                "[  5]   0.00-1.01  sec  1.03 GBytes  8.77 Gbits/sec    2   1.75 MBytes       ")).isFalse();
        // %2u retransmits
        assertThat(TextMask.sameLayout(C_LINE,
                "[  5]   0.00-1.01   sec  1.03 GBytes  8.77 Gbits/sec   2   1.75 MBytes       ")).isFalse();
        // trailing spaces lost
        assertThat(TextMask.sameLayout(C_LINE, C_LINE.stripTrailing())).isFalse();
        // missing Cwnd column
        assertThat(TextMask.sameLayout(C_LINE, "[  5]   0.00-1.01   sec  1.03 GBytes  8.77 Gbits/sec    2  ")).isFalse();
        // role tag
        assertThat(TextMask.sameLayout("[  5][TX-C]   0.00-1.00   sec  8.42 GBytes  72.3 Gbits/sec   34    895 KBytes       ",
                "[  5][RX-C]   0.00-1.00   sec  8.42 GBytes  72.3 Gbits/sec   34    895 KBytes       ")).isFalse();
    }

    @Test
    void volatileWordsAreMasked() {
        assertThat(TextMask.sameLayout("Sat Nov 21 22:42:24 2026 Connecting to host 127.0.0.1, port 5401",
                "Mon Dec  1 02:02:04 2026 Connecting to host 127.0.0.1, port 6001")).isTrue();
        assertThat(TextMask.sameLayout("      Cookie: 7zf3k5p7tacvfb75lm6xkxbbwz6ihu672rdm",
                "      Cookie: abcdefghijklmnopqrstuvwxyz234567abcd")).isTrue();
        assertThat(TextMask.sameLayout("iperf 3.12", "iperf3j 0.1.0")).isTrue();
        assertThat(TextMask.sameLayout("iperf3: error - unable to connect to server: Connection refused",
                "iperf3j: error - unable to connect to server: Connection refused")).isTrue();
    }

    @Test
    void oneIntervalGroupMoreOrLessIsToleratedButNotMissingSummaryLines() {
        String c = """
                [ ID] Interval           Transfer     Bitrate
                [  5]   0.00-1.00   sec  5.89 GBytes  50.6 Gbits/sec                 \s
                [  5]   1.00-2.00   sec  5.62 GBytes  48.3 Gbits/sec                 \s
                [  5]   2.00-2.01   sec  2.13 MBytes  23.8 Gbits/sec                 \s
                - - - - - - - - - - - - - - - - - - - - - - - - -
                [ ID] Interval           Transfer     Bitrate
                [  5]   0.00-2.01   sec  11.5 GBytes  49.4 Gbits/sec                  receiver
                """;
        String oneFewer = c.replace("[  5]   2.00-2.01   sec  2.13 MBytes  23.8 Gbits/sec                  \n", "");
        assertThat(TextMask.compare(c, oneFewer, 1).problems()).isEmpty();
        String twoFewer = oneFewer.replace("[  5]   1.00-2.00   sec  5.62 GBytes  48.3 Gbits/sec                  \n", "");
        assertThat(TextMask.compare(c, twoFewer, 1).problems()).isNotEmpty();
        String noSummarySeparator = c.replace("- - - - - - - - - - - - - - - - - - - - - - - - -\n", "");
        assertThat(TextMask.compare(c, noSummarySeparator, 1).problems()).isNotEmpty();
        String noReceiverLine = c.substring(0, c.indexOf("[  5]   0.00-2.01"));
        assertThat(TextMask.compare(c, noReceiverLine, 1).problems()).isNotEmpty();
    }

    @Test
    void keyPathsCollapseArrayIndicesAndKeepEmptyContainers() {
        JsonObject doc = JsonPaths.parse("""
                {"start": {"connected": [{"socket": 5}, {"socket": 7, "x": 1}], "test_start": {"bytes": 0}},
                 "intervals": [], "end": {}}
                """);
        assertThat(JsonPaths.keyPaths(doc)).containsExactly("end", "intervals", "start", "start.connected",
                "start.connected[].socket", "start.connected[].x", "start.test_start", "start.test_start.bytes");
        assertThat(JsonPaths.longAt(doc, "start.connected[1].socket")).isEqualTo(7);
        assertThat(PeerRun.split("-t 2 -T mytitle --extra-data 'some extra data' -J"))
                .isEqualTo(List.of("-t", "2", "-T", "mytitle", "--extra-data", "some extra data", "-J"));
    }
}
