package io.iperf3j.session.internal.slots;

import java.util.Objects;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * The host-slots service's wire: lines of US-ASCII text ending in {@code \n}, at most {@link #MAX_LINE} bytes. The service
 * speaks first, a greeting that names the account it sees its peer as ({@code iperf3j-host-slots 1 alice}); then each
 * request is one line and gets one reply line:
 * <pre>
 *   take SLOT   taken | busy | busy USER       (USER: another account holds it, or waits for it; none: this account's other session)
 *   park SLOT   parked | given                 (a test's end: kept for this peer's next take unless another peer waits)
 *   give SLOT   given
 *   (any)       error TEXT                     (a request it does not take; the connection stays)
 * </pre>
 * A slot is a host's slot key as a file name would hold it ({@code [a-z0-9_.-]}, not starting with a dot, at most
 * {@link #MAX_SLOT} characters: {@code HostSlots.fileName} without its {@code .lock}); a user is the name the host's user
 * database gives the peer's uid, with any character outside {@code [A-Za-z0-9_.@-]} written as {@code ?}. The one reader and
 * writer of these lines, on both ends; a Jazzer target in its test.
 *
 * <p>Why text lines, not a library's framing (protobuf, JSON): four words each way, read by a person in {@code socat}'s
 * output, and a parser of a dozen lines whose every input is fuzzed.
 */
public final class SlotWire {
    /** The version in the greeting. */
    public static final int VERSION = 1;
    /** The greeting's first word. */
    static final String GREETING = "iperf3j-host-slots";
    /** Longest line either end sends or takes, its newline included. */
    public static final int MAX_LINE = 256;
    /** Longest text of an {@code error} reply: the line, its word and its newline within {@link #MAX_LINE}. */
    private static final int MAX_TEXT = MAX_LINE - 8;
    /** Longest slot name. */
    public static final int MAX_SLOT = 100;
    private static final Pattern SLOT = Pattern.compile("[a-z0-9_-][a-z0-9_.-]{0," + (MAX_SLOT - 1) + "}");
    private static final Pattern USER = Pattern.compile("[A-Za-z0-9_.@?-]{1,64}");

    private SlotWire() {
    }

    /** A peer's request. */
    public sealed interface Request {
        /** The slot it names. */
        String slot();
    }

    /** Take the slot, or say who holds it. */
    public record Take(String slot) implements Request {
    }

    /** A test's end: keep the slot for this peer's next take, unless another waits for it. */
    public record Park(String slot) implements Request {
    }

    /** Give the slot back, and stop waiting for it. */
    public record Give(String slot) implements Request {
    }

    /** What the service answers. */
    public sealed interface Reply {
    }

    /** The service's first line: its version and the account it sees its peer as. */
    public record Hello(int version, String user) implements Reply {
    }

    /** The slot is the peer's now. */
    public record Taken() implements Reply {
    }

    /**
     * The slot is not the peer's: another connection holds it (or waits for it, after this peer's parked slot went to it).
     *
     * @param user that connection's account when it is another account's, else empty (a session of the peer's own account)
     */
    public record Busy(Optional<String> user) implements Reply {
        /** Checks presence. */
        public Busy {
            Objects.requireNonNull(user, "user");
        }
    }

    /** The slot stays the peer's until its next take (or give). */
    public record Parked() implements Reply {
    }

    /** The slot is not the peer's (any more). */
    public record Given() implements Reply {
    }

    /** A request the service did not take, and why. */
    public record Refused(String why) implements Reply {
    }

    /** The request {@code line} (without its newline), or why it is none. */
    public static Optional<Request> request(String line) {
        int sp = line.indexOf(' ');
        if (sp < 0) {
            return Optional.empty();
        }
        String slot = line.substring(sp + 1);
        if (!isSlot(slot)) {
            return Optional.empty();
        }
        return switch (line.substring(0, sp)) {
            case "take" -> Optional.of(new Take(slot));
            case "park" -> Optional.of(new Park(slot));
            case "give" -> Optional.of(new Give(slot));
            default -> Optional.empty();
        };
    }

    /** The line of a request, without its newline. */
    public static String line(Request r) {
        String word = switch (r) {
            case Take t -> "take";
            case Park p -> "park";
            case Give g -> "give";
        };
        return word + " " + r.slot();
    }

    /** The reply {@code line} (without its newline); empty for a line that is none. */
    public static Optional<Reply> reply(String line) {
        int sp = line.indexOf(' ');
        String word = sp < 0 ? line : line.substring(0, sp);
        String rest = sp < 0 ? null : line.substring(sp + 1);
        return switch (word) {
            case "taken" -> rest == null ? Optional.of(new Taken()) : Optional.empty();
            case "parked" -> rest == null ? Optional.of(new Parked()) : Optional.empty();
            case "given" -> rest == null ? Optional.of(new Given()) : Optional.empty();
            case "busy" -> rest == null ? Optional.of(new Busy(Optional.empty()))
                    : USER.matcher(rest).matches() ? Optional.of(new Busy(Optional.of(rest))) : Optional.empty();
            case "error" -> rest == null || !printable(rest) ? Optional.empty() : Optional.of(new Refused(rest));
            case GREETING -> hello(rest);
            default -> Optional.empty();
        };
    }

    private static Optional<Reply> hello(String rest) {
        if (rest == null) {
            return Optional.empty();
        }
        int sp = rest.indexOf(' ');
        if (sp < 1 || sp > 4 || !rest.substring(0, sp).chars().allMatch(c -> c >= '0' && c <= '9') || rest.charAt(0) == '0') {
            return Optional.empty();
        }
        String user = rest.substring(sp + 1);
        return USER.matcher(user).matches() ? Optional.of(new Hello(Integer.parseInt(rest.substring(0, sp)), user)) : Optional.empty();
    }

    /** The line of a reply, without its newline. */
    public static String line(Reply r) {
        return switch (r) {
            case Hello h -> GREETING + " " + h.version() + " " + user(h.user());
            case Taken t -> "taken";
            case Parked p -> "parked";
            case Given g -> "given";
            case Busy b -> b.user().map(u -> "busy " + user(u)).orElse("busy");
            case Refused e -> "error " + printableOnly(e.why());
        };
    }

    /** Whether {@code s} is a slot name. */
    public static boolean isSlot(String s) {
        return SLOT.matcher(s).matches();
    }

    /** A user's name as the wire holds it: characters outside {@code [A-Za-z0-9_.@-]} as {@code ?}, at most 64. */
    public static String user(String name) {
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < name.length() && sb.length() < 64; i++) {
            char c = name.charAt(i);
            sb.append(c < 128 && (Character.isLetterOrDigit(c) || c == '_' || c == '.' || c == '@' || c == '-') ? c : '?');
        }
        return sb.isEmpty() ? "?" : sb.toString();
    }

    private static boolean printable(String s) {
        return !s.isEmpty() && s.length() <= MAX_TEXT && s.chars().allMatch(c -> c >= 0x20 && c < 0x7f);
    }

    private static String printableOnly(String s) {
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < s.length() && sb.length() < MAX_TEXT; i++) {
            char c = s.charAt(i);
            sb.append(c >= 0x20 && c < 0x7f ? c : '?');
        }
        return sb.isEmpty() ? "?" : sb.toString();
    }
}
