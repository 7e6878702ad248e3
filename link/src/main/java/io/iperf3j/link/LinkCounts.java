package io.iperf3j.link;

/**
 * The client's message counts of {@code iperf3j link} since the start of the test, at one moment:
 * an interval's figures are the difference of two of these, so the intervals add up to the end's
 * totals by construction.
 *
 * @param sent      messages queued to the link (the client's count)
 * @param received  messages the server received, as of its last report (first copies only)
 * @param lost      messages counted lost: by the server for unreliable ones ({@link ArrivalTally}), and
 *                  at the end by the client for whatever has still not arrived (it gave up)
 * @param reordered messages the server received after one sent later
 * @param resent    copies the link sent again for want of an ack (reliable only)
 */
record LinkCounts(long sent, long received, long lost, long reordered, long resent) {
    static final LinkCounts ZERO = new LinkCounts(0, 0, 0, 0, 0);

    /**
     * The counts now: {@code sent} by this client, the server's last {@code report}, the link's resends
     * since the test began ({@code resendsNow - resendsAtStart}).
     */
    static LinkCounts of(long sent, LinkCommand.Received report, long resends) {
        return new LinkCounts(sent, report.count(), report.lost(), report.reordered(), resends);
    }

    /**
     * The counts at the end of the test, when the client stops waiting: what has not arrived by now is
     * lost, so nothing is in flight any more.
     */
    LinkCounts givenUp() {
        return new LinkCounts(sent, received, sent - received, reordered, resent);
    }

    /**
     * Sent and not yet counted by the server as received or lost: queued in the link, on the wire,
     * waiting to be resent, or arrived after the server's last report (at most 100 ms old).
     */
    long inFlight() {
        return Math.max(0, sent - received - lost);
    }

    /** This moment's counts minus {@code before}'s. */
    LinkCounts since(LinkCounts before) {
        return new LinkCounts(sent - before.sent, received - before.received, lost - before.lost,
                reordered - before.reordered, resent - before.resent);
    }
}
