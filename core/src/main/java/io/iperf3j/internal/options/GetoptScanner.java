package io.iperf3j.internal.options;

import io.iperf3j.options.HasArg;
import io.iperf3j.options.OptionRow;
import java.util.ArrayList;
import java.util.List;

/**
 * The lexical half of glibc's {@code getopt_long} (GNU mode, as iperf3 3.12 uses it),
 * over an option table: core's {@link CommandLineOption} alone, or with other modules' rows. It turns the raw arguments into the
 * options given, in order, each with its value; the rules that read the values are
 * {@link CommandLineSpec}'s.
 *
 * <p>Rules (glibc 2.36, permuting mode): non-options ({@code "x"}, {@code "-"},
 * {@code ""}) are skipped wherever they are; {@code --} ends the options; a short
 * cluster ({@code -sD}, {@code -P4}) is read letter by letter; a required argument is
 * the rest of the cluster or the next word, whatever it looks like ({@code -c -s}
 * connects to a host named "-s"); an exact long name wins over prefixes; a prefix
 * matching several entries is ambiguous unless they are all the same option, and the
 * candidates are listed in {@code longopts} order; an optional argument is taken only
 * when attached with {@code =} ({@code --timestamps=%H}, {@code --debug=2}), and the
 * short form of such an option takes none (3.12's optstring has a plain {@code d}).
 * getopt stops at the first bad word; the options before it are still returned, because
 * iperf3 checks each value as it reads it, so which error wins depends on the order
 * ({@code -p 0 --foo} reports the port, {@code --foo -p 0} the unknown option).
 * The error messages are glibc's, word for word.
 *
 * A row that is not {@link OptionRow#abbreviable()} is selected by its whole name only.
 *
 * <p>Stateless: one instance per table, read-only, serves every thread.
 */
final class GetoptScanner {

    /** One option as given, with its value: null for a flag and for an optional argument left out. */
    record Given(OptionRow option, String value) {
    }

    /** Where the scan ended: the options given before any error, and the error (or null). */
    record Scan(List<Given> given, String error) {
    }

    /** One row of getopt_long's {@code struct option} table. */
    private record LongOpt(String name, OptionRow option) {
    }

    /** Every long name, in {@code longopts} order (a name's aliases right after it). */
    private final LongOpt[] longOpts;
    /** The option of each ASCII short name, or null. */
    private final OptionRow[] shortOpts;

    private final String program;

    /** A scanner of core's table. */
    GetoptScanner(String program) {
        this(program, CommandLineOption.values());
    }

    /**
     * A scanner of {@code rows}.
     *
     * @throws IllegalArgumentException when two rows share a name
     */
    GetoptScanner(String program, OptionRow[] rows) {
        this.program = program;
        this.longOpts = longOpts(rows.clone());
        this.shortOpts = shortOpts(rows);
    }

    private static LongOpt[] longOpts(OptionRow[] byOrder) {
        // a stable insertion sort: ~90 rows, and no Comparator (no lambda) on the start-up path
        for (int i = 1; i < byOrder.length; i++) {
            OptionRow o = byOrder[i];
            int j = i - 1;
            while (j >= 0 && byOrder[j].getoptOrder() > o.getoptOrder()) {
                byOrder[j + 1] = byOrder[j];
                j--;
            }
            byOrder[j + 1] = o;
        }
        List<LongOpt> rows = new ArrayList<>();
        for (OptionRow o : byOrder) {
            for (String name : o.longNames()) {
                for (LongOpt r : rows) {
                    if (r.name().equals(name)) {
                        throw new IllegalArgumentException("--" + name + " in two rows");
                    }
                }
                rows.add(new LongOpt(name, o));
            }
        }
        return rows.toArray(new LongOpt[0]);
    }

    private static OptionRow[] shortOpts(OptionRow[] rows) {
        OptionRow[] table = new OptionRow[128];
        for (OptionRow o : rows) {
            char c = o.shortName();
            if (c != OptionRow.NO_SHORT) {
                if (c >= table.length || table[c] != null) {
                    throw new IllegalArgumentException("-" + c + " in two rows, or not ASCII");
                }
                table[c] = o;
            }
        }
        return table;
    }

    Scan scan(String... args) {
        return scan(args, true);
    }

    /**
     * Every option given, reading on past getopt errors (a bad word is skipped): what the
     * whole line asks for, e.g. {@code -J} after an unknown option, so that the failure
     * itself can be printed as JSON. Values are still taken as getopt takes them
     * ({@code -p -J} gives {@code -J} as the port).
     */
    List<Given> scanPastErrors(String... args) {
        return scan(args, false).given();
    }

    private Scan scan(String[] args, boolean stopAtError) {
        List<Given> out = new ArrayList<>();
        for (int i = 0; i < args.length; i++) {
            String arg = args[i];
            if (arg.equals("--")) {
                break;
            }
            if (arg.length() < 2 || arg.charAt(0) != '-') {
                continue; // a non-option: getopt permutes it to the end and iperf3 ignores it
            }
            Step step = arg.startsWith("--") ? longOption(args, i, out) : shortCluster(args, i, out);
            if (step.error() != null && stopAtError) {
                return new Scan(out, program + ": " + step.error());
            }
            if (step.tookNextWord()) {
                i++;
            }
        }
        return new Scan(out, null);
    }

    /** One option word read: whether its value was the next word, or getopt's error (without the program name). */
    private record Step(boolean tookNextWord, String error) {
        static final Step DONE = new Step(false, null);
        static final Step TOOK_NEXT = new Step(true, null);

        static Step error(String message) {
            return new Step(false, message);
        }
    }

    private Step longOption(String[] args, int i, List<Given> out) {
        String body = args[i].substring(2);
        int eq = body.indexOf('=');
        String name = eq < 0 ? body : body.substring(0, eq);

        LongOpt found = null;
        for (LongOpt p : longOpts) {
            if (p.name().equals(name)) {
                found = p;
                break;
            }
        }
        if (found == null) {
            List<LongOpt> ambiguous = new ArrayList<>();
            for (LongOpt p : longOpts) {
                if (!p.option().abbreviable() || !p.name().startsWith(name)) {
                    continue;
                }
                if (found == null) {
                    found = p;
                } else if (found.option() != p.option()) {
                    if (ambiguous.isEmpty()) {
                        ambiguous.add(found);
                    }
                    ambiguous.add(p);
                }
            }
            if (!ambiguous.isEmpty()) {
                StringBuilder sb = new StringBuilder("option '--").append(body).append("' is ambiguous; possibilities:");
                for (LongOpt p : longOpts) {
                    if (ambiguous.contains(p)) { // the rows are unique, so equal means the same row
                        sb.append(" '--").append(p.name()).append('\'');
                    }
                }
                return Step.error(sb.toString());
            }
            if (found == null) {
                return Step.error("unrecognized option '--" + body + "'");
            }
        }
        HasArg hasArg = found.option().hasArg();
        if (eq >= 0) {
            if (hasArg == HasArg.NO) {
                return Step.error("option '--" + found.name() + "' doesn't allow an argument");
            }
            out.add(new Given(found.option(), body.substring(eq + 1)));
            return Step.DONE;
        }
        if (hasArg == HasArg.REQUIRED) {
            if (i + 1 >= args.length) {
                return Step.error("option '--" + found.name() + "' requires an argument");
            }
            out.add(new Given(found.option(), args[i + 1]));
            return Step.TOOK_NEXT;
        }
        out.add(new Given(found.option(), null));
        return Step.DONE;
    }

    private Step shortCluster(String[] args, int i, List<Given> out) {
        String arg = args[i];
        for (int j = 1; j < arg.length(); j++) {
            char c = arg.charAt(j);
            OptionRow o = c < shortOpts.length ? shortOpts[c] : null;
            if (o == null) {
                return Step.error("invalid option -- '" + c + "'");
            }
            if (o.hasArg() != HasArg.REQUIRED) {
                out.add(new Given(o, null));
                continue;
            }
            if (j + 1 < arg.length()) {
                out.add(new Given(o, arg.substring(j + 1)));
                return Step.DONE;
            }
            if (i + 1 < args.length) {
                out.add(new Given(o, args[i + 1]));
                return Step.TOOK_NEXT;
            }
            return Step.error("option requires an argument -- '" + c + "'");
        }
        return Step.DONE;
    }
}
