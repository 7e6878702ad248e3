package io.iperf3j.internal.format;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class UnitFormatTest {

    private static final String REF = "/reference/iperf3-3.12/";

    /**
     * Boundary cases. Expectations come from glibc (a C program doing what
     * units.c does, {@code sprintf("%4.2f %s")} etc., on the same doubles) and
     * the output document's examples.
     */
    @ParameterizedTest(name = "{0} {1} -> [{2}]")
    @CsvSource(delimiter = '|', quoteCharacter = '\'', textBlock = """
            A|0|'0.00 Byte'
            a|0|'0.00 bit'
            A|945029120|' 901 MByte'
            a|899134998.0030287|'7.19 Gbit'
            A|1220280320|'1.14 GByte'
            A|1047728|'1023 KByte'
            A|916480|' 895 KByte'
            A|1023.9|'1024 Byte'
            A|1024|'1.00 KByte'
            A|1048063|'1023 KByte'
            A|1048064|'1024 KByte'
            A|10229.76|'9.99 KByte'
            A|10234.88|'10.0 KByte'
            A|102348.8|' 100 KByte'
            a|124937.5|'1000 Kbit'
            a|124999.9|'1000 Kbit'
            a|125000|'1.00 Mbit'
            a|1249.375|'10.0 Kbit'
            a|12493.75|' 100 Kbit'
            A|1064304640|'1015 MByte'
            A|1073741823|'1024 MByte'
            A|1099511627776|'1.00 TByte'
            A|1125899906842624|'1024 TByte'
            A|5|'5.00 Byte'
            A|9.994|'9.99 Byte'
            A|9.995|'10.0 Byte'
            A|99.94|'99.9 Byte'
            A|99.95|' 100 Byte'
            A|999.4|' 999 Byte'
            A|999.5|'1000 Byte'
            a|1.2493749|'9.99 bit'
            a|12.49375|' 100 bit'
            k|1993314000|'15946512 Kbit'
            k|0|'0.00 Kbit'
            K|1048576|'1024 KByte'
            M|25060966|'23.9 MByte'
            M|5e6|'4.77 MByte'
            m|12500000|' 100 Mbit'
            g|1250000000|'10.0 Gbit'
            G|1073741824|'1.00 GByte'
            t|1e12|'8.00 Tbit'
            T|1e12|'0.91 TByte'
            a|1e20|'800000000 Tbit'
            A|1e20|'90949470 TByte'
            b|1000|'8000 bit'
            B|1000|'1000 Byte'
            a|0.5|'4.00 bit'
            A|0.5|'0.50 Byte'
            a|100|' 800 bit'
            """)
    void boundaries(char fmt, double value, String expected) {
        assertThat(UnitFormat.format(value, fmt)).isEqualTo(expected);
    }

    @Test
    void tcpJsonIntervalFromTheOutputDocument() {
        // tcp.json, first interval: 945029120 bytes in 1.0510530471801758 s.
        double bytes = 945029120;
        double seconds = 1.0510530471801758;
        assertThat(UnitFormat.format(bytes, 'A') + "s").isEqualTo(" 901 MBytes");
        assertThat(UnitFormat.format(bytes / seconds, 'a') + "s/sec").isEqualTo("7.19 Gbits/sec");
        assertThat(UnitFormat.format(1047728, 'A') + "s").isEqualTo("1023 KBytes"); // snd_cwnd
        // the interval lines' form: appended after what the line holds
        assertThat(UnitFormat.appendTo(new StringBuilder("[  5]"), bytes, 'A')).hasToString("[  5] 901 MByte");
    }

    /**
     * Summary lines printed by the real iperf3 3.12 on this machine, with the
     * byte counts and durations it printed in its {@code -d} results JSON
     * (bytes, sender or receiver time, {@code -f} letter, Transfer, Bitrate).
     */
    @ParameterizedTest(name = "{0} bytes / {1} s, -f {2}")
    @CsvSource(delimiter = '|', quoteCharacter = '\'', textBlock = """
            5727846400|1.000209|a|'5.33 GByte'|'45.8 Gbit'
            5811732480|1.000027|k|'5.41 GByte'|'46492605 Kbit'
            5811666891|1.000052|k|'5.41 GByte'|'46490918 Kbit'
            5548277760|1.000125|m|'5.17 GByte'|'44381 Mbit'
            5548277760|1.000164|m|'5.17 GByte'|'44379 Mbit'
            5422448640|1.000147|g|'5.05 GByte'|'43.4 Gbit'
            7464550400|1.000209|t|'6.95 GByte'|'0.06 Tbit'
            7463239680|1.001359|t|'6.95 GByte'|'0.06 Tbit'
            5464391680|1.000108|K|'5.09 GByte'|'5335744 KByte'
            5464391680|1.000146|K|'5.09 GByte'|'5335541 KByte'
            6058147840|1.00005|M|'5.64 GByte'|'5777 MByte'
            6056181760|1.00145|M|'5.64 GByte'|'5767 MByte'
            7991328768|1.000018|G|'7.44 GByte'|'7.44 GByte'
            6149898240|1.000058|T|'5.73 GByte'|'0.01 TByte'
            131072|1.000064|a|' 128 KByte'|'1.05 Mbit'
            1277952|1.000436|k|'1.22 MByte'|'10219 Kbit'
            13000|1.000091|a|'12.7 KByte'|' 104 Kbit'
            1000|1.5e-05|a|'1000 Byte'|' 533 Mbit'
            1000|3.2e-05|a|'1000 Byte'|' 250 Mbit'
            1023|1.3e-05|a|'1023 Byte'|' 630 Mbit'
            1023|5.6e-05|a|'1023 Byte'|' 146 Mbit'
            2000|1.2e-05|a|'1.95 KByte'|'1.33 Gbit'
            0|0.002238|a|'0.00 Byte'|'0.00 bit'
            8192|1.000069|a|'8.00 KByte'|'65.5 Kbit'
            20971520|0.005938|a|'20.0 MByte'|'28.3 Gbit'
            20971520|0.00544|a|'20.0 MByte'|'30.8 Gbit'
            125000|1.000079|a|' 122 KByte'|'1000 Kbit'
            125000|1.000108|a|' 122 KByte'|'1000 Kbit'
            1000|1.000068|a|'1000 Byte'|'8.00 Kbit'
            10240|5.9e-05|K|'10.0 KByte'|'169492 KByte'
            10240|7.7e-05|K|'10.0 KByte'|'129870 KByte'
            3696230400|1.000069|a|'3.44 GByte'|'29.6 Gbit'
            3694919680|1.003008|a|'3.44 GByte'|'29.5 Gbit'
            3635937280|1.003011|a|'3.39 GByte'|'29.0 Gbit'
            10380902400|1.000845|M|'9.67 GByte'|'9892 MByte'
            10379591680|1.000014|M|'9.67 GByte'|'9899 MByte'
            125000|1.000094|m|' 122 KByte'|'1.00 Mbit'
            63000|1.00009|K|'61.5 KByte'|'61.5 KByte'
            """)
    void realIperf3SummaryLines(long bytes, double seconds, char fmt, String transfer, String rate) {
        assertThat(UnitFormat.format(bytes, 'A')).isEqualTo(transfer);
        assertThat(UnitFormat.format(bytes / seconds, fmt)).isEqualTo(rate);
    }

    /** get_server_output.json: the server's text receiver line and the numbers the client got for it. */
    @Test
    void serverOutputTextMatchesItsJsonNumbers() throws IOException {
        JsonNode doc = new ObjectMapper().readTree(resource("get_server_output.json"));
        JsonNode recv = doc.path("end").path("sum_received");
        long bytes = recv.path("bytes").asLong();
        double seconds = recv.path("end").asDouble();
        assertThat(bytes).isEqualTo(5486936064L);
        String line = "[  5]   0.00-" + CFormat.fixed(seconds, 2) + "   sec  "
                + UnitFormat.format(bytes, 'A') + "s  " + UnitFormat.format(bytes / seconds, 'a') + "s/sec";
        assertThat(doc.path("server_output_text").asText()).contains(line + "                  receiver\n");
        assertThat(line).isEqualTo("[  5]   0.00-2.01   sec  5.11 GBytes  21.9 Gbits/sec");
    }

    /**
     * Every Transfer, Bitrate and Cwnd column of every reference text file is
     * reproduced from the value it denotes: this checks the unit choice,
     * decimals and padding rules on all real columns (including
     * {@code 1023 KBytes}, {@code 1015 MBytes}, {@code -f k} and {@code -f M}).
     * The 1000..1024 forms need a value just below the unit step, as in real
     * runs.
     */
    @Test
    void everyReferenceTextColumnIsReproducible() throws IOException {
        Pattern column = Pattern.compile("(?<=  )([ \\d]{0,3}\\d(?:\\.\\d+)?|\\d+) ([KMGT]?)(Byte|bit)s(/sec)?");
        int checked = 0;
        for (String file : REFERENCE_TEXT_FILES) {
            char rateFormat = switch (file) {
                case "tcp_format_k.txt" -> 'k';
                case "tcp_format_M.txt" -> 'M';
                default -> 'a';
            };
            for (String line : resource(file).lines().toList()) {
                Matcher m = column.matcher(line);
                while (m.find()) {
                    // The lookbehind may leave a separator space in the group; the field itself is %4.xf.
                    String expected = CFormat.rightAligned(m.group(1).strip(), 4) + " " + m.group(2) + m.group(3);
                    boolean rate = m.group(4) != null;
                    char fmt = rate ? rateFormat : 'A';
                    double unit = unitValue(m.group(2), m.group(3));
                    String digits = m.group(1).strip();
                    double n = Double.parseDouble(digits);
                    int decimals = digits.contains(".") ? digits.length() - digits.indexOf('.') - 1 : 0;
                    double below = n - 0.4 * Math.pow(10, -decimals);
                    String exact = UnitFormat.format(n * unit, fmt);
                    String actual = exact.equals(expected) ? exact : UnitFormat.format(below * unit, fmt);
                    assertThat(actual).as("%s: %s", file, line).isEqualTo(expected);
                    checked++;
                }
            }
        }
        assertThat(checked).as("all Byte/bit columns of the files").isEqualTo(297);
    }

    private static final List<String> REFERENCE_TEXT_FILES = List.of(
            "get_server_output.txt", "server_bitrate_limit_server.txt", "server_client_interrupted.txt",
            "server_tcp.txt", "server_tcp_bidir.txt", "server_tcp_reverse_verbose.txt", "server_tcp_verbose.txt",
            "server_udp.txt", "server_udp_bidir.txt", "server_udp_parallel2.txt", "tcp.txt", "tcp_bidir.txt",
            "tcp_bytes_n.txt", "tcp_format_M.txt", "tcp_format_k.txt", "tcp_omit.txt", "tcp_parallel2.txt",
            "tcp_reverse_bytes_n.txt", "tcp_reverse_verbose.txt", "tcp_timestamps.txt", "tcp_title_extra.txt",
            "tcp_verbose.txt", "udp.txt", "udp_bidir.txt", "udp_parallel2.txt", "udp_reverse.txt");

    /** Bytes (or bytes per second) per displayed unit. */
    private static double unitValue(String prefix, String kind) {
        int k = "KMGT".indexOf(prefix) + 1;
        return kind.equals("Byte") ? Math.pow(1024, k) : Math.pow(1000, k) / 8;
    }

    private static String resource(String name) throws IOException {
        try (InputStream in = UnitFormatTest.class.getResourceAsStream(REF + name)) {
            assertThat(in).as(name).isNotNull();
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
    }
}
