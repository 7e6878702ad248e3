package io.iperf3j.internal.why;

import io.iperf3j.internal.json.JsonObject;
import io.iperf3j.internal.json.PeerJson;
import io.iperf3j.testing.EnginePeer;
import io.iperf3j.testing.Iperf3Process;
import io.iperf3j.testing.NetnsPair;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** One {@code --why} test over a {@link NetnsPair}, for the netns tests of this package. */
final class WhyPairRun {
    private WhyPairRun() {
    }

    /** An iperf3j server in B for one test, the iperf3j client in A with {@code -J --why}; the client's document. */
    static JsonObject run(NetnsPair link, int port, List<String> args) throws Exception {
        List<String> client = new ArrayList<>(List.of("-c", link.addrB, "-p", Integer.toString(port), "-J", "--why"));
        client.addAll(args);
        try (Iperf3Process s = Iperf3Process.start(NetnsPair.inside(link.nsB,
                EnginePeer.command(List.of("-s", "-1", "-p", Integer.toString(port)))))) {
            assertThat(s.awaitListening(port, Duration.ofSeconds(20))).as("server listens; %s", s.stderr()).isTrue();
            try (Iperf3Process c = Iperf3Process.start(NetnsPair.inside(link.nsA, EnginePeer.command(client)))) {
                assertThat(c.waitFor(Duration.ofSeconds(60))).as("client exit; stderr: %s", c.stderr()).isZero();
                JsonObject doc = PeerJson.parseObject(c.stdout().getBytes(StandardCharsets.UTF_8));
                assertThat(doc.has("error")).as("client error %s", doc.get("error")).isFalse();
                assertThat(s.awaitExit(Duration.ofSeconds(20))).as("server ends after its one test").isTrue();
                return doc;
            }
        }
    }

    /** The document's one direction of {@code end.iperf3j_why}. */
    static JsonObject direction(JsonObject doc) {
        JsonObject why = doc.getObject("end").getObject(WhyJson.KEY);
        assertThat(why).as("end.iperf3j_why in %s", doc).isNotNull();
        List<Object> dirs = why.getArray("directions");
        assertThat(dirs).hasSize(1);
        return (JsonObject) dirs.getFirst();
    }
}
