package io.iperf3j.server;

import io.iperf3j.engine.ClientTest;
import io.iperf3j.engine.ServerLimits;
import org.junit.jupiter.api.Test;
import java.util.List;

class ScratchTest {
    @Test
    void time() throws Exception {
        try (TestServer server = new TestServer(ServerLimits.DEFAULTS, "-J")) {
            for (String[] args : List.of(new String[] {"-n", "1K", "-l", "1K"}, new String[] {"-n", "1K", "-l", "1K", "-R"},
                    new String[] {"-n", "4K", "-l", "1K", "-P", "3"}, new String[] {"-k", "2", "-l", "1K", "--bidir"},
                    new String[] {"-n", "2K", "-l", "1K", "-u", "-b", "100M"}, new String[] {"-n", "1K", "-l", "1K", "-R"})) {
                long t0 = System.nanoTime();
                ClientTest.Outcome o = server.ourClient(args);
                System.out.printf("SCRATCH %s: %.3f s error=%s%n", List.of(args), (System.nanoTime() - t0) / 1e9, o.error());
            }
            System.out.println("SCRATCH LOG\n" + server.log());
        }
    }
}
