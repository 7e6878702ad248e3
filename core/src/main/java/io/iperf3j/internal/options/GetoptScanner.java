package io.iperf3j.internal.options;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Model.OptionSpec;

/**
 * The lexical half of glibc's {@code getopt_long} (GNU mode, as iperf3 3.12 uses it),
 * over the option table of a picocli {@link CommandSpec}. It turns the raw arguments
 * into a canonical list picocli parses unambiguously: every option spelled by its
 * long name, every value attached with {@code =}, positional words dropped.
 *
 * <p>Why this is not left to picocli (each point was tried with picocli 4.7.7):
 * <ul>
 * <li>getopt_long accepts any unambiguous prefix of a long option ({@code --por 5},
 *     {@code --bandw 1M}) and reports ambiguity with the candidates in table order;
 *     picocli's abbreviation matching splits names at hyphens and matches differently.</li>
 * <li>An optional argument is only taken when attached ({@code --timestamps=%H},
 *     {@code --debug=2}); picocli's {@code arity = "0..1"} takes the next word as the
 *     value, so a bare {@code -d} would eat it.</li>
 * <li>getopt stops at the first bad option, and iperf3 checks values while it reads
 *     them, so which error wins depends on the order ({@code -p 0 --foo} vs
 *     {@code --foo -p 0}); picocli reports unmatched arguments only after binding
 *     everything.</li>
 * <li>The error messages are glibc's, word for word.</li>
 * </ul>
 * Everything else (the option names and their arity, calling the setters in order,
 * splitting {@code --name=value}) stays with picocli.
 *
 * <p>Rules (glibc 2.36, permuting mode): non-options ({@code "x"}, {@code "-"},
 * {@code ""}) are skipped wherever they are; {@code --} ends the options; a short
 * cluster ({@code -sD}, {@code -P4}) is read letter by letter; a required argument is
 * the rest of the cluster or the next word, whatever it looks like ({@code -c -s}
 * connects to a host named "-s"); an exact long name wins over prefixes; a prefix
 * matching several entries is ambiguous unless they are all the same option.
 * Options with an optional argument take none in their short form (3.12's optstring
 * has a plain {@code d}).
 */
final class GetoptScanner {

    enum HasArg { NO, REQUIRED, OPTIONAL }

    /** One row of getopt_long's {@code struct option} table. */
    record LongOpt(String name, HasArg hasArg, OptionSpec option) {
    }

    /** Where the scan ended: the canonical arguments before any error, and the error (or null). */
    record Scan(List<String> canonical, String error) {
    }

    private final List<LongOpt> longOpts = new ArrayList<>();
    private final Map<Character, OptionSpec> shortOpts = new HashMap<>();
    private final String program;

    GetoptScanner(CommandSpec spec, String program) {
        this.program = program;
        List<OptionSpec> options = new ArrayList<>(spec.options());
        options.sort(Comparator.comparingInt(OptionSpec::order));
        for (OptionSpec o : options) {
            for (String name : o.names()) {
                if (name.startsWith("--")) {
                    longOpts.add(new LongOpt(name.substring(2), hasArg(o), o));
                } else if (name.length() == 2 && name.charAt(0) == '-') {
                    shortOpts.put(name.charAt(1), o);
                }
            }
        }
    }

    private static HasArg hasArg(OptionSpec o) {
        if (o.arity().max() == 0) {
            return HasArg.NO;
        }
        return o.arity().min() == 0 ? HasArg.OPTIONAL : HasArg.REQUIRED;
    }

    private static String canonicalName(OptionSpec o) {
        return Arrays.stream(o.names()).filter(n -> n.startsWith("--")).findFirst().orElseThrow();
    }

    private static void emit(List<String> out, OptionSpec o, String value) {
        HasArg kind = hasArg(o);
        if (kind == HasArg.NO) {
            out.add(canonicalName(o));
        } else {
            out.add(canonicalName(o) + "=" + (value == null ? CommandLineSpec.ABSENT : value));
        }
    }

    Scan scan(String... args) {
        List<String> out = new ArrayList<>();
        for (int i = 0; i < args.length; i++) {
            String arg = args[i];
            if (arg.equals("--")) {
                break;
            }
            if (arg.length() < 2 || arg.charAt(0) != '-') {
                continue; // a non-option: getopt permutes it to the end and iperf3 ignores it
            }
            Step step = arg.startsWith("--") ? longOption(args, i, out) : shortCluster(args, i, out);
            if (step.error() != null) {
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

    private Step longOption(String[] args, int i, List<String> out) {
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
                if (!p.name().startsWith(name)) {
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
                    if (ambiguous.contains(p)) {
                        sb.append(" '--").append(p.name()).append('\'');
                    }
                }
                return Step.error(sb.toString());
            }
            if (found == null) {
                return Step.error("unrecognized option '--" + body + "'");
            }
        }
        if (eq >= 0) {
            if (found.hasArg() == HasArg.NO) {
                return Step.error("option '--" + found.name() + "' doesn't allow an argument");
            }
            emit(out, found.option(), body.substring(eq + 1));
            return Step.DONE;
        }
        if (found.hasArg() == HasArg.REQUIRED) {
            if (i + 1 >= args.length) {
                return Step.error("option '--" + found.name() + "' requires an argument");
            }
            emit(out, found.option(), args[i + 1]);
            return Step.TOOK_NEXT;
        }
        emit(out, found.option(), null);
        return Step.DONE;
    }

    private Step shortCluster(String[] args, int i, List<String> out) {
        String arg = args[i];
        for (int j = 1; j < arg.length(); j++) {
            char c = arg.charAt(j);
            OptionSpec o = shortOpts.get(c);
            if (o == null) {
                return Step.error("invalid option -- '" + c + "'");
            }
            if (hasArg(o) != HasArg.REQUIRED) {
                emit(out, o, null);
                continue;
            }
            if (j + 1 < arg.length()) {
                emit(out, o, arg.substring(j + 1));
                return Step.DONE;
            }
            if (i + 1 < args.length) {
                emit(out, o, args[i + 1]);
                return Step.TOOK_NEXT;
            }
            return Step.error("option requires an argument -- '" + c + "'");
        }
        return Step.DONE;
    }
}
