package io.iperf3j.session;

import java.util.Locale;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * What a valid value of each kind of a plan's strings is: the one place that says so (issue 55). A plan is
 * data: its values reach the hosts' shells and agents, command lines and file names, so none may hold a
 * control character (C0, a newline and a tab among them, DEL, C1, or a Unicode line or paragraph separator),
 * and those with a narrower form (an address, a name used in file names) must have it. The plan reader
 * ({@code PlanFile}) refuses such a value with its line and column; the library's values ({@link Node},
 * {@link Plan}, {@link Plan.Builder}, {@link TestSpec}, {@link SshSettings}, {@link Connection.Wrapper}) refuse it
 * with an {@link IllegalArgumentException} naming the field, so a Java caller cannot smuggle one in either.
 */
public enum PlanValue {
    /** A host id, a test name, a plan's {@code filename_base}: it is put in file names. */
    NAME("[A-Za-z0-9_.-]{1,64}", "[A-Za-z0-9_.-]", true,
            "a name (a host id, a test name, filename_base) is 1 to 64 characters, each a letter (A-Z, a-z), a digit,"
            + " '.', '_' or '-', and not . or .."),
    /** A test's id ({@code NAME_SENDER-RECEIVER[_rN]}): it is put in file names and push labels. */
    TEST_ID("[A-Za-z0-9_.-]{1,255}", "[A-Za-z0-9_.-]", true,
            "a test id is 1 to 255 characters, each a letter (A-Z, a-z), a digit, '.', '_' or '-', and not . or .."),
    /** A host's test address, or an SSH host name or alias: an IP address (IPv6 with a {@code %zone}) or a DNS name. */
    ADDRESS("[A-Za-z0-9_.:%][A-Za-z0-9_.:%-]{0,252}", "[A-Za-z0-9_.:%-]", false,
            "an address is an IP address (IPv6 with its %zone) or a host name: 1 to 253 characters, each a letter, a digit,"
            + " '.', ':', '%', '_' or '-', not starting with '-' (no space, '/' or port)"),
    /** An SSH login name: no white space or {@code /}, not an option. */
    USER("[^\\s/-][^\\s/]{0,255}", "[^\\s/]", false,
            "a login name is 1 to 256 characters with no white space or '/', not starting with '-'"),
    /** The name of an environment variable ({@code password_env}, {@code passphrase_env}). */
    ENVIRONMENT_NAME("[A-Za-z_][A-Za-z0-9_]{0,127}", "[A-Za-z0-9_]", false,
            "an environment variable's name is 1 to 128 characters, each a letter (A-Z, a-z), a digit or '_', not starting"
            + " with a digit"),
    /**
     * A word of a plan's {@code commands} (or such a value given as one string, before it is split at white space): no
     * character a shell reads as syntax, {@code ; | & < > $ ` ' " * ? [ ] { } ( ) ~ \}. No shell reads a command's
     * words ({@link Node.Command}: each is quoted where the command line is built), so they would be taken as they are;
     * they are refused so that a plan written for a shell ({@code touch x; iperf3}, {@code ~/bin/iperf3},
     * {@code $HOME/iperf3}, {@code iperf3 2>/dev/null}) says so when it is read rather than runs something else. The
     * library's {@link Node.Command} takes any word of one line.
     */
    COMMAND_WORD("[^;|&<>$`'\"*?\\[\\]{}()~\\\\]+", "[^;|&<>$`'\"*?\\[\\]{}()~\\\\]", false,
            "a command's word holds none of ; | & < > $ ` ' \" * ? [ ] { } ( ) ~ \\"),
    /** Anything else of a plan: an iperf argument, a path, a URL, a label; one line of text. */
    TEXT("(?s).*", "(?s).", false, "a plan value is one line of printable text");

    private final Pattern form;
    private final Pattern character;
    private final boolean notDots;
    private final String rule;

    PlanValue(String form, String character, boolean notDots, String rule) {
        this.form = Pattern.compile(form);
        this.character = Pattern.compile(character);
        this.notDots = notDots;
        this.rule = rule;
    }

    /**
     * What this kind's values are, in words, as a plan's error message says it (issue 66: messages quoted the regular
     * expression), e.g. {@code a name (a host id, a test name, filename_base) is 1 to 64 characters, each a letter
     * (A-Z, a-z), a digit, '.', '_' or '-', and not . or ..}.
     */
    public String rule() {
        return rule;
    }

    /**
     * The form this kind's values must match (a regular expression); every kind also refuses control characters. Messages
     * say it in words ({@link #rule()}), not as this expression.
     */
    public String form() {
        return form.pattern();
    }

    /**
     * What is wrong with {@code value} for this kind, in words that follow a field's name ({@code "address: " +
     * problem}); empty when it is valid. The value is quoted only when it holds no control character.
     */
    public Optional<String> problem(String value) {
        if (value == null) {
            return Optional.of("missing");
        }
        Optional<String> control = controlCharacter(value);
        if (control.isPresent()) {
            return control;
        }
        if (!form.matcher(value).matches()) {
            if (this == COMMAND_WORD) {
                String c = value.chars().filter(ch -> !form.matcher(Character.toString(ch)).matches())
                        .mapToObj(Character::toString).findFirst().orElse("");
                return Optional.of(value.isEmpty() ? "an empty word" : "'" + value + "' holds " + (c.equals("'") ? "\"'\"" : "'" + c + "'")
                        + ", which only a shell reads, and no shell reads a command: give the program and its arguments as"
                        + " words, such as [/opt/iperf3/bin/iperf3, --forceflush] or [LD_LIBRARY_PATH=/opt/lib, iperf3]");
            }
            return Optional.of("'" + value + "' " + whatIsWrong(value) + ": " + rule);
        }
        if (notDots && (value.equals(".") || value.equals(".."))) {
            return Optional.of("'" + value + "' must not be . or .. (it is put in file names): " + rule);
        }
        return Optional.empty();
    }

    /** Which part of {@code value} (which does not have this kind's form) is wrong, in words: a character, its start or length. */
    private String whatIsWrong(String value) {
        if (value.isEmpty()) {
            return "is empty";
        }
        for (int i = 0; i < value.length(); i = value.offsetByCodePoints(i, 1)) {
            String c = Character.toString(value.codePointAt(i));
            if (!character.matcher(c).matches()) {
                String shown = c.equals("'") ? "\"'\"" : Character.isWhitespace(c.codePointAt(0)) ? "a space" : "'" + c + "'";
                return "holds " + shown + (value.length() > 1 ? " at character " + (i + 1) : "");
            }
        }
        if (form.matcher(value.substring(0, 1) + "a").matches()) {
            return "is " + value.length() + " characters long";
        }
        return "starts with '" + value.charAt(0) + "'";
    }

    /**
     * {@code value}, if valid for this kind.
     *
     * @param field the field's name, put first in the message ({@code address}, {@code filename_base})
     * @throws IllegalArgumentException naming {@code field} and what is wrong, if it is not
     */
    public String require(String field, String value) {
        Optional<String> p = problem(value);
        if (p.isPresent()) {
            throw new IllegalArgumentException(field + ": " + p.get());
        }
        return value;
    }

    /** {@link #require} for each of {@code values}, named {@code field[i]}. */
    public java.util.List<String> requireEach(String field, java.util.List<String> values) {
        for (int i = 0; i < values.size(); i++) {
            require(field + "[" + i + "]", values.get(i));
        }
        return values;
    }

    /**
     * The first control character of {@code value} as words ({@code holds the control character U+000A (line
     * feed); a plan value is one line of printable text}), or empty when it has none: C0 (tab, newline and
     * carriage return included), DEL, C1, and the Unicode line and paragraph separators.
     */
    public static Optional<String> controlCharacter(String value) {
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            if (Character.isISOControl(c) || c == '\u2028' || c == '\u2029') {
                return Optional.of("holds the control character " + String.format(Locale.ROOT, "U+%04X", (int) c)
                        + name(c) + " at character " + (i + 1) + "; a plan value is one line of printable text");
            }
        }
        return Optional.empty();
    }

    private static String name(char c) {
        return switch (c) {
            case '\n' -> " (line feed)";
            case '\r' -> " (carriage return)";
            case '\t' -> " (tab)";
            case '\0' -> " (NUL)";
            case '\u007f' -> " (DEL)";
            default -> "";
        };
    }
}
