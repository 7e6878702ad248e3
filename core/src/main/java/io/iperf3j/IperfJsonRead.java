package io.iperf3j;

import java.util.List;

/** What {@link IperfJsonReader} made of an input: the runs it holds, or why it was rejected. */
public sealed interface IperfJsonRead {
    /**
     * The input was read.
     *
     * @param runs at least one, in input order
     * @param notes non-fatal findings (an unknown event, a cut last line, a value of the wrong type ignored),
     *              with the line or the JSON path where they were found
     */
    record Read(List<IperfRun> runs, List<String> notes) implements IperfJsonRead {
        /** @throws IllegalArgumentException when {@code runs} is empty */
        public Read {
            runs = List.copyOf(runs);
            notes = List.copyOf(notes);
            if (runs.isEmpty()) {
                throw new IllegalArgumentException("a read has at least one run");
            }
        }

        /** The last run (a long-running server's latest test). */
        public IperfRun last() {
            return runs.getLast();
        }
    }

    /**
     * The input was not accepted.
     *
     * @param reason the kind of problem
     * @param message what was wrong and where, e.g. {@code "interval 3 has no \"sum\" object"}
     * @param line 1-based line of the problem, 0 if unknown
     * @param column 1-based column of the problem, 0 if unknown
     */
    record Rejected(Reason reason, String message, long line, long column) implements IperfJsonRead {
    }

    /** Why an input was rejected. */
    enum Reason {
        /** Nothing but white space. */
        EMPTY,
        /** Not valid JSON (or a {@code --json-stream} line broken before the last). */
        NOT_JSON,
        /** JSON, but not iperf3's output. */
        NOT_IPERF3,
        /** An iperf3 key with a value of an impossible shape (an interval without a {@code sum} object). */
        BAD_VALUE,
        /** Over one of the {@link IperfJsonLimits}. */
        OVER_LIMIT
    }
}
