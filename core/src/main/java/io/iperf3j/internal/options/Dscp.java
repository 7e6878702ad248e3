package io.iperf3j.internal.options;

import java.util.Locale;
import java.util.Map;

/**
 * {@code --dscp} values as iperf3 3.12 reads them ({@code parse_qos} in {@code dscp.c}):
 * a name from the table below, case-insensitive, which gives a TOS byte directly;
 * or a number 0-63 in C notation (decimal, {@code 0} octal, {@code 0x} hex; the
 * whole string must be the number, leading white space allowed), which is a DSCP
 * and gives TOS = DSCP × 4. Verified against the installed 3.12 binary.
 */
final class Dscp {
    private Dscp() {
    }

    /** Names and the TOS byte they stand for (RFC 2474 code points and the old IPTOS_* bits). */
    static final Map<String, Integer> NAMES = Map.ofEntries(
            Map.entry("af11", 0x28), Map.entry("af12", 0x30), Map.entry("af13", 0x38),
            Map.entry("af21", 0x48), Map.entry("af22", 0x50), Map.entry("af23", 0x58),
            Map.entry("af31", 0x68), Map.entry("af32", 0x70), Map.entry("af33", 0x78),
            Map.entry("af41", 0x88), Map.entry("af42", 0x90), Map.entry("af43", 0x98),
            Map.entry("cs0", 0x00), Map.entry("cs1", 0x20), Map.entry("cs2", 0x40), Map.entry("cs3", 0x60),
            Map.entry("cs4", 0x80), Map.entry("cs5", 0xa0), Map.entry("cs6", 0xc0), Map.entry("cs7", 0xe0),
            Map.entry("ef", 0xb8),
            Map.entry("lowdelay", 0x10), Map.entry("throughput", 0x08), Map.entry("reliability", 0x04));

    /** The TOS byte for a {@code --dscp} argument, or -1 if it is not valid. */
    static int toTos(String arg) {
        Integer named = NAMES.get(arg.toLowerCase(Locale.ROOT));
        if (named != null) {
            return named;
        }
        CNumbers.LongScan scan = CNumbers.strtol(arg, 0);
        if (arg.isEmpty() || scan.end() != arg.length() || scan.value() < 0 || scan.value() > 63) {
            return -1;
        }
        return (int) scan.value() << 2;
    }
}
