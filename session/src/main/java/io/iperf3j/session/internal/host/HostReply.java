package io.iperf3j.session.internal.host;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.OptionalLong;

/**
 * A line the session's host scripts print for it: {@code @@WORD} or {@code @@WORD VALUE} ({@code @@pid 812},
 * {@code @@holder 812 java}, {@code @@gone}), as {@code host-lib.sh} and {@code host-agent.sh} write them. The one
 * reader of those lines: every other line of a script's output is the commands' own.
 *
 * <p>The words: {@code pid} (a command started), {@code exited} (its status, when it ended before it listened),
 * {@code holder} (a process holding the port: PID and name), {@code listening}, {@code unverified}, {@code shared}
 * (the listen check), {@code killed}, {@code gone}, {@code alive} (a kill), {@code err} (a client's error line, in its agent job),
 * {@code output} (a server's output file follows), and the agent's {@code ready}, {@code cleaned}, {@code taken},
 * {@code busy}, {@code given}, {@code done}, {@code error}, and a job's {@code nap} (MS: the controller answers it after MS;
 * {@link HostAgent#stream}, never a job's output).
 *
 * @param word the word after {@code @@}
 * @param value what follows it after one space, or "" for none
 */
public record HostReply(String word, String value) {
    /** Checks presence. */
    public HostReply {
        Objects.requireNonNull(word, "word");
        Objects.requireNonNull(value, "value");
    }

    /** The line as a reply; empty for a line of the commands' own. */
    public static Optional<HostReply> of(String line) {
        if (!line.startsWith("@@") || line.length() == 2) {
            return Optional.empty();
        }
        String rest = line.substring(2).strip();
        int sp = rest.indexOf(' ');
        return Optional.of(sp < 0 ? new HostReply(rest, "") : new HostReply(rest.substring(0, sp), rest.substring(sp + 1).strip()));
    }

    /** Whether the line is a reply rather than a line of the commands' own. */
    public static boolean isReply(String line) {
        return of(line).isPresent();
    }

    /** Every reply in a script's output, in order. */
    public static List<HostReply> all(String output) {
        List<HostReply> replies = new ArrayList<>();
        for (String line : output.split("\n")) {
            of(line).ifPresent(replies::add);
        }
        return replies;
    }

    /** Whether the output holds a reply of {@code word}. */
    public static boolean says(String output, String word) {
        return all(output).stream().anyMatch(r -> r.word().equals(word));
    }

    /** The values of every reply of {@code word} in the output. */
    public static List<String> values(String output, String word) {
        return all(output).stream().filter(r -> r.word().equals(word)).map(HostReply::value).toList();
    }

    /** The PID of a {@code @@pid} line; empty for any other line or a value that is not a PID. */
    public static OptionalLong pid(String line) {
        return of(line).map(HostReply::pid).orElse(OptionalLong.empty());
    }

    /** The PID this reply gives, when it is a {@code pid} reply whose value is a PID. */
    public OptionalLong pid() {
        return word.equals("pid") ? number(value) : OptionalLong.empty();
    }

    /** The status of the output's {@code @@exited} line, if it has one. */
    public static OptionalInt exited(String output) {
        for (String v : values(output, "exited")) {
            OptionalLong n = number(v);
            if (n.isPresent() && n.getAsLong() <= Integer.MAX_VALUE) {
                return OptionalInt.of((int) n.getAsLong());
            }
        }
        return OptionalInt.empty();
    }

    private static OptionalLong number(String s) {
        if (s.isEmpty() || s.length() > 18 || !s.chars().allMatch(Character::isDigit)) {
            return OptionalLong.empty();
        }
        return OptionalLong.of(Long.parseLong(s));
    }
}
