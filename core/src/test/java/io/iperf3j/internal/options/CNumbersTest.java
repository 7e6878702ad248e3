package io.iperf3j.internal.options;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.stream.Stream;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * Expected values were read from the installed iperf3 3.12 library: its
 * {@code iperf_parse_arguments} was called on {@code -n X}, {@code -b X}, {@code -l X},
 * {@code -p X}, {@code -S X} and the resulting settings were printed.
 */
class CNumbersTest {

    @ParameterizedTest(name = "unit_atoi(\"{0}\") = {1}, unit_atof_rate = {2}")
    @CsvSource(delimiter = '|', value = {
            "1.5K   | 1536              | 1500",
            "1e3    | 1000              | 1000",
            "1Kb    | 1024              | 1000",
            "K      | 0                 | 0",
            "0x10   | 16                | 16",
            "10X    | 10                | 10",
            "1t     | 1099511627776     | 1000000000000",
            "1T     | 1099511627776     | 1000000000000",
            "1g     | 1073741824        | 1000000000",
            "1m     | 1048576           | 1000000",
            "2.5m   | 2621440           | 2500000",
            "1KK    | 1024              | 1000",
            "1eK    | 1024              | 1000",
            "1e+K   | 1024              | 1000",
            "1.K    | 1024              | 1000",
            "1e5K   | 102400000         | 100000000",
            "0x1p1K | 2048              | 2000",
            "+1K    | 1024              | 1000",
            ".5K    | 512               | 500",
            "1 K    | 1                 | 1",
            "0X1P-1k| 512               | 500",
            "1.5e1k | 15360             | 15000",
    })
    void unitConversions(String in, String unitAtoi, String rate) {
        String s = in.strip();
        assertThat(Long.toUnsignedString(CNumbers.unitAtoi(s))).isEqualTo(unitAtoi);
        assertThat(Long.toUnsignedString(CNumbers.toUint64Bits(CNumbers.unitAtofRate(s)))).isEqualTo(rate);
    }

    @Test
    void uint64ConversionOfOddDoubles() {
        assertThat(Long.toUnsignedString(CNumbers.unitAtoi("-1"))).isEqualTo("18446744073709551615");
        assertThat(Long.toUnsignedString(CNumbers.unitAtoi("inf"))).isEqualTo("0");
        assertThat(Long.toUnsignedString(CNumbers.unitAtoi("nan"))).isEqualTo("9223372036854775808");
        assertThat(Long.toUnsignedString(CNumbers.unitAtoi("1e30"))).isEqualTo("0");
        assertThat(Long.toUnsignedString(CNumbers.unitAtoi("9223372036854775807"))).isEqualTo("9223372036854775808");
        assertThat(Long.toUnsignedString(CNumbers.unitAtoi("-2147483649"))).isEqualTo("18446744071562067967");
        // -l stores unit_atoi in an int
        assertThat((int) CNumbers.unitAtoi("4G")).isZero();
        assertThat((int) CNumbers.unitAtoi("4294967295")).isEqualTo(-1);
        assertThat(CNumbers.toInt(1945.6)).isEqualTo(1945);
        assertThat(CNumbers.toInt(Double.NaN)).isEqualTo(Integer.MIN_VALUE);
    }

    @ParameterizedTest(name = "atoi(\"{0}\") = {1}")
    @CsvSource(delimiter = '|', value = {
            "5999x                | 5999",
            "'  2K'               | 2",
            "+5                   | 5",
            "0x10                 | 0",
            "-3                   | -3",
            "abc                  | 0",
            "''                   | 0",
            "4294967296           | 0",
            "9223372036854775808  | -1",
            "1e3                  | 1",
    })
    void atoi(String in, int expected) {
        assertThat(CNumbers.atoi(in)).isEqualTo(expected);
    }

    @Test
    void strtolBaseZero() {
        assertThat(CNumbers.strtol("0x34", 0)).isEqualTo(new CNumbers.LongScan(52, 4));
        assertThat(CNumbers.strtol("064", 0)).isEqualTo(new CNumbers.LongScan(52, 3));
        assertThat(CNumbers.strtol("08", 0)).isEqualTo(new CNumbers.LongScan(0, 1));
        assertThat(CNumbers.strtol("0xg", 0)).isEqualTo(new CNumbers.LongScan(0, 1));
        assertThat(CNumbers.strtol(" 0x1f", 0)).isEqualTo(new CNumbers.LongScan(31, 5));
        assertThat(CNumbers.strtol("abc", 0).end()).isZero();
        assertThat(CNumbers.strtol("-", 0).end()).isZero();
        assertThat(CNumbers.strtol("12abc", 0)).isEqualTo(new CNumbers.LongScan(12, 2));
        assertThat(CNumbers.strtol("99999999999999999999", 0).value()).isEqualTo(Long.MAX_VALUE);
        assertThat(CNumbers.strtol("-99999999999999999999", 0).value()).isEqualTo(Long.MIN_VALUE);
    }

    @Test
    void atofIsStrtod() {
        assertThat(CNumbers.atof(" 1e-1")).isEqualTo(0.1);
        assertThat(CNumbers.atof("0x1")).isEqualTo(1.0);
        assertThat(CNumbers.atof("abc")).isZero();
        assertThat(CNumbers.atof("1e")).isEqualTo(1.0);
        assertThat(CNumbers.atof("5.")).isEqualTo(5.0);
        assertThat(CNumbers.atof("-Infinity")).isEqualTo(Double.NEGATIVE_INFINITY);
        assertThat(CNumbers.atof("nan(123)")).isNaN();
        assertThat(CNumbers.strtod("2.5x").end()).isEqualTo(3);
        assertThat(CNumbers.strtod("x").end()).isZero();
    }

    @Test
    void dscpNamesAndNumbers() {
        assertThat(Dscp.toTos("10")).isEqualTo(40);
        assertThat(Dscp.toTos("63")).isEqualTo(252);
        assertThat(Dscp.toTos("0x3f")).isEqualTo(252);
        assertThat(Dscp.toTos("077")).isEqualTo(252);
        assertThat(Dscp.toTos("AF11")).isEqualTo(0x28);
        assertThat(Dscp.toTos("Ef")).isEqualTo(0xb8);
        assertThat(Dscp.toTos("cs7")).isEqualTo(0xe0);
        assertThat(Dscp.toTos("lowdelay")).isEqualTo(0x10);
        assertThat(Dscp.toTos("throughput")).isEqualTo(0x08);
        assertThat(Dscp.toTos("reliability")).isEqualTo(0x04);
        assertThat(Dscp.toTos(" 5")).isEqualTo(20);
        assertThat(Dscp.toTos("+5")).isEqualTo(20);
        assertThat(Dscp.toTos("5 ")).isEqualTo(-1);
        assertThat(Dscp.toTos("64")).isEqualTo(-1);
        assertThat(Dscp.toTos("63x")).isEqualTo(-1);
        assertThat(Dscp.toTos("")).isEqualTo(-1);
        assertThat(Dscp.toTos("foo")).isEqualTo(-1);
    }

    /** Issue 46: what counts as wholly a number, where atoi/atof would read a part and ignore the rest. */
    @Test
    void wholeNumbers() {
        assertThat(Stream.of("5", " 5", "+5", "-5", "007", "99999999999")).allMatch(CNumbers::isWholeInteger);
        assertThat(Stream.of("", " ", "abc", "1x", "5 ", "0x10", "1.5", "+", "-")).noneMatch(CNumbers::isWholeInteger);
        assertThat(Stream.of("1", "0.5", "1e3", ".5", " 2", "nan", "inf", "0x10")).allMatch(CNumbers::isWholeDouble);
        assertThat(Stream.of("", "abc", "1x", "1e", "0.5s")).noneMatch(CNumbers::isWholeDouble);
        assertThat(Stream.of("10", "10M", "1.5g", "2T", "500k", "0.5K")).allMatch(CNumbers::isNumberWithUnit);
        assertThat(Stream.of("10Q", "10Mbit", "M", "", "10 M", "10MM", "1eK")).noneMatch(CNumbers::isNumberWithUnit);
    }

    /** Issue 57: what iperf3 3.21's unit_atof reads without IEUNITVAL (checked with the 3.21 binary's -b, -n, -l). */
    @Test
    void unitValuesAs321ReadsThem() {
        assertThat(Stream.of("10", "10M", "1.5g", "2T", "500k", "10Mbit", "10MM", " 10G", "1eK", "0"))
                .allMatch(CNumbers::isUnitValue);
        assertThat(Stream.of("10Q", "10x", "M", "", " ", "10 M", "10 ", "-", "fast")).noneMatch(CNumbers::isUnitValue);
    }
}
