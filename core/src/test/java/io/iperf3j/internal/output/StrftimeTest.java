package io.iperf3j.internal.output;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** Strftime against the C library's own strftime, through {@code date} in the C locale. */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class StrftimeTest {
    private static final String FORMAT = "%a|%A|%b|%h|%B|%c|%C|%d|%D|%e|%F|%g|%G|%H|%I|%j|%k|%l|%m|%M|%p|%r|%R|%s|%S"
            + "|%T|%u|%U|%V|%w|%W|%x|%X|%y|%Y|%%";

    @Test
    void everyMonthAndWeekdayMatchesTheCLibrary() throws Exception {
        // The 1st and 17th of every month of 2026 and a leap day: every name, both halves of the day.
        List<Long> epochs = new ArrayList<>();
        for (int month = 1; month <= 12; month++) {
            epochs.add(java.time.LocalDateTime.of(2026, month, 1, 0, 5, 9).toEpochSecond(ZoneOffset.UTC));
            epochs.add(java.time.LocalDateTime.of(2026, month, 17, 13, 59, 58).toEpochSecond(ZoneOffset.UTC));
        }
        epochs.add(java.time.LocalDateTime.of(2024, 2, 29, 23, 0, 0).toEpochSecond(ZoneOffset.UTC));
        for (long epoch : epochs) {
            String ours = Strftime.format(FORMAT, Instant.ofEpochSecond(epoch).atZone(ZoneOffset.UTC));
            assertThat(ours).as("epoch %d", epoch).isEqualTo(cDate(epoch, FORMAT));
        }
    }

    @Test
    void gmtTimeIsIperf3sTimeLine() throws Exception {
        long epoch = 1795449007L;
        assertThat(Strftime.gmtTime(epoch)).isEqualTo(cDate(epoch, "%a, %d %b %Y %H:%M:%S GMT"));
    }

    private static String cDate(long epoch, String format) throws IOException, InterruptedException {
        ProcessBuilder pb = new ProcessBuilder("date", "-u", "-d", "@" + epoch, "+" + format);
        pb.environment().put("LC_ALL", "C");
        pb.redirectErrorStream(true);
        Process p = pb.start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.waitFor(10, TimeUnit.SECONDS)).isTrue();
        assertThat(p.exitValue()).as(out).isZero();
        return out.endsWith("\n") ? out.substring(0, out.length() - 1) : out;
    }
}
