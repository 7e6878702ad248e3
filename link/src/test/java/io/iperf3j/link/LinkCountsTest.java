package io.iperf3j.link;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** The client's interval arithmetic: in flight at each interval's end, and intervals that add up to the end. */
@Timeout(10)
class LinkCountsTest {
    @Test
    void messagesNotYetReportedAreInFlightNotLost() {
        LinkCounts k = LinkCounts.of(1000, new LinkCommand.Received(824, 0, 0, 0, 0), 0);
        assertThat(k.inFlight()).isEqualTo(176);
        assertThat(k.lost()).isZero();
    }

    @Test
    void atTheEndWhatHasNotArrivedIsLostAndNothingIsInFlight() {
        LinkCounts k = LinkCounts.of(1000, new LinkCommand.Received(990, 3, 0, 4, 1), 7).givenUp();
        assertThat(k.lost()).as("4 counted by the server, 6 given up at the end").isEqualTo(10);
        assertThat(k.inFlight()).isZero();
        assertThat(k.received() + k.lost()).isEqualTo(k.sent());
    }

    @Test
    void intervalsAddUpToTheEndsTotals() {
        // A run's reports as the client sees them at each interval's end: (sent, server's report, resends).
        List<LinkCounts> atEnds = List.of(
                LinkCounts.of(1000, new LinkCommand.Received(824, 0, 0, 0, 0), 3),
                LinkCounts.of(2000, new LinkCommand.Received(1900, 2, 0, 5, 0), 9),
                LinkCounts.of(3000, new LinkCommand.Received(2950, 2, 1, 11, 2), 12));
        LinkCounts end = LinkCounts.of(3000, new LinkCommand.Received(2980, 2, 1, 12, 2), 15).givenUp();
        List<LinkCounts> intervals = new ArrayList<>();
        LinkCounts before = LinkCounts.ZERO;
        for (LinkCounts k : atEnds) {
            intervals.add(k.since(before));
            before = k;
        }
        intervals.add(end.since(before));

        assertThat(intervals.stream().mapToLong(LinkCounts::sent).sum()).isEqualTo(end.sent());
        assertThat(intervals.stream().mapToLong(LinkCounts::received).sum()).isEqualTo(end.received());
        assertThat(intervals.stream().mapToLong(LinkCounts::lost).sum()).isEqualTo(end.lost()).isEqualTo(20);
        assertThat(intervals.stream().mapToLong(LinkCounts::resent).sum()).isEqualTo(end.resent()).isEqualTo(15);
        assertThat(intervals.stream().mapToLong(LinkCounts::reordered).sum()).isEqualTo(end.reordered());
        assertThat(intervals.getFirst().lost()).as("in flight at the first interval's end is not loss").isZero();
        assertThat(atEnds.getFirst().inFlight()).isEqualTo(176);
        assertThat(intervals.getLast().lost()).as("1 counted by the server, 8 given up").isEqualTo(9);
        assertThat(intervals).allSatisfy(i -> {
            assertThat(i.sent()).isNotNegative();
            assertThat(i.received()).isNotNegative();
            assertThat(i.lost()).isNotNegative();
        });
    }

    @Test
    void serverSummaryAddsUpEveryClient() {
        assertThat(LinkCommand.serverSummary(new ArrayList<>(List.of(new LinkCommand.Received(10, 1, 2, 3, 4),
                new LinkCommand.Received(100, 10, 20, 30, 40)))))
                .isEqualTo("Link server done: 2 clients, 110 messages received, 33 lost, 44 late, 11 reordered, 22 duplicates");
    }
}
