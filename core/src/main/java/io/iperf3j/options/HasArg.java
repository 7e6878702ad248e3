package io.iperf3j.options;

/** Whether and how an option takes a value, as getopt_long's {@code has_arg}. */
public enum HasArg {
    /** A flag. */
    NO,
    /** The rest of a short cluster, {@code =value}, or the next word, whatever it looks like. */
    REQUIRED,
    /** Only attached to the long name ({@code --debug=2}); the short form takes none. */
    OPTIONAL
}
