package io.iperf3j;

import java.util.List;
import java.util.Optional;

/**
 * What held a test back ({@code --why}; {@code end.iperf3j_why} in {@code -J}; docs/design/why.md): a verdict per
 * direction of data, and per stream (the text block shows those where the streams' causes differ).
 *
 * @param directions one for a forward or {@code -R} test, two for {@code --bidir} (the client's sending first)
 */
public record Why(List<DirectionWhy> directions) {
    /** Copies {@code directions}. */
    public Why {
        directions = List.copyOf(directions);
    }

    /**
     * One direction of data.
     *
     * @param senderIsClient whether the client sent this direction's data
     * @param verdict the direction's verdict over all its streams
     * @param streams each stream's verdict when the direction has more than one stream; else empty
     */
    public record DirectionWhy(boolean senderIsClient, Verdict verdict, List<StreamWhy> streams) {
        /** Copies {@code streams}. */
        public DirectionWhy {
            streams = List.copyOf(streams);
        }

        /** Whether the streams' causes differ (the text block then has a line per stream). */
        public boolean streamsDiffer() {
            return streams.stream().map(s -> s.verdict().cause()).distinct().count() > 1;
        }
    }

    /**
     * One stream's verdict.
     *
     * @param id iperf3's stream id (the protocol's: 1, 3, 4, ...)
     * @param socket the number iperf3's text and {@code -J} show for the stream ({@code [  5]}, {@code "socket"})
     * @param verdict its verdict
     */
    public record StreamWhy(int id, int socket, Verdict verdict) {
    }

    /**
     * A cause and what shows it.
     *
     * @param cause the cause
     * @param confidence how sure the verdict is: {@link Confidence#CLOSE} when {@code closeTo} held nearly as much
     * @param closeTo the cause that came second, nearly as strong, for a {@link Confidence#CLOSE} verdict; else empty
     * @param figures the figures it was decided from
     * @param reason for {@link Cause#NOT_DETERMINED}: why the figures cannot tell, and the one measurement that would;
     *        else what points to the cause (for a close verdict, by how much)
     * @param remedy the change that would lift it, in words, on the host that can make it, where there is one
     */
    public record Verdict(Cause cause, Confidence confidence, Optional<Cause> closeTo, WhyFigures figures,
                          String reason, Optional<String> remedy) {
        /** A clear verdict (as before confidences). */
        public Verdict(Cause cause, WhyFigures figures, String reason, Optional<String> remedy) {
            this(cause, Confidence.CLEAR, Optional.empty(), figures, reason, remedy);
        }

        /**
         * The text block's first line: {@code limited by <cause>}, {@code limited by <cause> (likely)},
         * {@code limited by <cause> or <cause> (close)}, or {@code not determined: <reason>}.
         */
        public String headline() {
            if (cause == Cause.NOT_DETERMINED) {
                return "not determined: " + reason;
            }
            Transport t = figures.transport();
            return "limited by " + cause.words(t) + switch (confidence) {
                case CLEAR -> "";
                case LIKELY -> " (likely)";
                case CLOSE -> closeTo.map(c -> " or " + c.words(t)).orElse("") + " (close)";
            };
        }
    }
}
