package io.iperf3j.session;

import java.util.List;
import java.util.Objects;
import java.util.regex.Pattern;

/**
 * What a connection puts around every command: PATH and LD_LIBRARY_PATH additions
 * (the seed's {@code path} and {@code library_path}) and a command prefix such as
 * {@code adb -s SERIAL shell} or {@code kubectl exec POD --}, so those hosts need
 * no new connection code. The command runs as {@code PREFIX sh -c 'SCRIPT'}.
 *
 * @param prefix words put before {@code sh -c}; empty for none
 * @param pathAdditions directories put before {@code $PATH}
 * @param libraryPathAdditions directories put before {@code $LD_LIBRARY_PATH}
 */
public record CommandWrapper(List<String> prefix, List<String> pathAdditions, List<String> libraryPathAdditions) {
    private static final Pattern SAFE_DIR = Pattern.compile("[A-Za-z0-9_./+@%=,-]+");

    /** No prefix, no additions. */
    public static final CommandWrapper NONE = new CommandWrapper(List.of(), List.of(), List.of());

    /** Copies the lists and checks the directories are plain paths (they go into a shell line). */
    public CommandWrapper {
        prefix = List.copyOf(prefix);
        pathAdditions = List.copyOf(pathAdditions);
        libraryPathAdditions = List.copyOf(libraryPathAdditions);
        for (String dir : pathAdditions) {
            requireSafe(dir);
        }
        for (String dir : libraryPathAdditions) {
            requireSafe(dir);
        }
    }

    private static void requireSafe(String dir) {
        Objects.requireNonNull(dir, "directory");
        if (!SAFE_DIR.matcher(dir).matches()) {
            throw new IllegalArgumentException("path addition '" + dir + "' has characters a shell would read");
        }
    }

    /** The script with the environment additions in front (no prefix yet). */
    public String withEnvironment(String script) {
        StringBuilder sb = new StringBuilder();
        if (!pathAdditions.isEmpty()) {
            sb.append("PATH=").append(String.join(":", pathAdditions)).append(":$PATH; export PATH; ");
        }
        if (!libraryPathAdditions.isEmpty()) {
            sb.append("LD_LIBRARY_PATH=").append(String.join(":", libraryPathAdditions))
                    .append("${LD_LIBRARY_PATH:+:$LD_LIBRARY_PATH}; export LD_LIBRARY_PATH; ");
        }
        return sb.append(script).toString();
    }

    /** The whole command line: {@code PREFIX sh -c 'ENV; SCRIPT'}. */
    public String commandLine(String script) {
        String body = "sh -c " + Shell.quote(withEnvironment(script));
        if (prefix.isEmpty()) {
            return body;
        }
        StringBuilder sb = new StringBuilder();
        for (String word : prefix) {
            sb.append(Shell.quote(word)).append(' ');
        }
        return sb.append(body).toString();
    }
}
