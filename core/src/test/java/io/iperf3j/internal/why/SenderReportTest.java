package io.iperf3j.internal.why;

import io.iperf3j.internal.json.JsonObject;
import io.iperf3j.internal.json.PeerJson;

import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** What iperf3 3.21's server returns for get_server_output, as bench/why_lab.py's path case got it (-R). */
class SenderReportTest {
    private static final String TEXT = """
            Accepted connection from 10.234.1.1, port 44220
            [  5] local 10.234.2.1 port 5601 connected to 10.234.1.1 port 44232
            [ ID] Interval           Transfer     Bitrate         Retr  Cwnd
            [  5]   0.00-1.00   sec  8.00 MBytes  67.0 Mbits/sec  272    498 KBytes      \s
            [  5]   1.00-2.00   sec  10.2 MBytes  85.9 Mbits/sec  242    328 KBytes      \s
            [  5]   2.00-3.00   sec  11.9 MBytes  99.8 Mbits/sec   58   93.3 KBytes      \s
            [  5]   3.00-3.07   sec   768 KBytes  90.1 Mbits/sec    0   1.64 MBytes      \s
            - - - - - - - - - - - - - - - - - - - - - - - - -
            [ ID] Interval           Transfer     Bitrate         Retr
            [  5]   0.00-3.07   sec  30.1 MBytes  82.3 Mbits/sec  572            sender
            """;

    @Test
    void theTextsIntervalLines() {
        List<SenderReport> r = SenderReport.of(new JsonObject().put("server_output_text", TEXT));
        assertThat(r).hasSize(1);
        SenderReport s = r.getFirst();
        assertThat(s.source()).isEqualTo("text");
        assertThat(s.intervals()).hasSize(4);
        assertThat(s.full()).hasSize(3);
        assertThat(s.retransmits()).isEqualTo(572);
        assertThat(s.intervals().get(2).cwnd()).isEqualTo((long) (93.3 * 1024));
        assertThat(s.cwndMax().getAsLong()).isEqualTo((long) (1.64 * 1024 * 1024));
        assertThat(s.sndWndMax()).isEmpty();
    }

    @Test
    void theJsonOfAServerRunWithMinusJ() throws Exception {
        JsonObject doc = PeerJson.parseObject("""
                {"intervals": [
                  {"streams": [{"socket": 5, "seconds": 1.0, "snd_cwnd": 107152, "snd_wnd": 1256448, "rtt": 8609,
                    "retransmits": 572, "sender": true, "omitted": false}]},
                  {"streams": [{"socket": 5, "seconds": 1.0, "snd_cwnd": 136112, "snd_wnd": 2580480, "rtt": 9194,
                    "retransmits": 0, "sender": true, "omitted": false}]}],
                 "end": {"streams": [{"sender": {"socket": 5, "retransmits": 572, "max_snd_cwnd": 136112,
                    "max_snd_wnd": 2580480, "min_rtt": 8609, "sender": true}}]}}
                """.getBytes(StandardCharsets.UTF_8));
        SenderReport s = SenderReport.of(new JsonObject().put("server_output_json", doc)).getFirst();
        assertThat(s.source()).isEqualTo("json");
        assertThat(s.retransmits()).isEqualTo(572);
        assertThat(s.cwndMax().getAsLong()).isEqualTo(136112);
        assertThat(s.sndWndMax().getAsLong()).isEqualTo(2580480);
        assertThat(s.minRttMicros().getAsLong()).isEqualTo(8609);
    }

    @Test
    void aReceivingServerOrNothingGivesNoReport() {
        assertThat(SenderReport.of(null)).isEmpty();
        assertThat(SenderReport.of(new JsonObject())).isEmpty();
        // a receiving iperf3 server's lines have no Retr and Cwnd
        assertThat(SenderReport.of(new JsonObject().put("server_output_text",
                "[  5]   0.00-1.00   sec  11.2 MBytes  94.1 Mbits/sec                  \n"))).isEmpty();
        assertThat(SenderReport.of(new JsonObject().put("server_output_json", new JsonObject()))).isEmpty();
    }

    @Test
    void twoStreamsSumIntervalByInterval() {
        SenderReport a = new SenderReport(List.of(new SenderReport.Interval(1, 2, 100), new SenderReport.Interval(1, 0, 200)),
                java.util.OptionalLong.empty(), java.util.OptionalLong.empty(), "text");
        SenderReport s = SenderReport.sum(List.of(a.withSegments(10), a.withSegments(20)));
        assertThat(s.segments()).isEqualTo(30);
        assertThat(s.retransmits()).isEqualTo(4);
        assertThat(s.cwndMax().getAsLong()).isEqualTo(400);
    }
}
