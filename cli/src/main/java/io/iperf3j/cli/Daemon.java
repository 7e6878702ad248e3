package io.iperf3j.cli;

import java.io.File;
import java.io.PrintStream;
import java.lang.management.ManagementFactory;
import java.util.ArrayList;
import java.util.List;

/**
 * {@code -D}: a JVM cannot fork, so the server starts a detached copy of itself
 * (same JVM, options and arguments, standard streams on /dev/null, its own
 * session through {@code setsid} when available) and the parent exits 0 as
 * iperf3's does. Unlike iperf3 3.12 the working directory is kept, so relative
 * paths still work (iperf3 fixed that in 3.17).
 */
final class Daemon {
    private static final String MARKER = "IPERF3J_DAEMON_CHILD";

    private Daemon() {
    }

    static boolean isDaemonChild() {
        return "1".equals(System.getenv(MARKER));
    }

    static int detach(String[] args, PrintStream err) {
        List<String> cmd = new ArrayList<>();
        if (new File("/usr/bin/setsid").canExecute()) {
            cmd.add("/usr/bin/setsid");
        }
        cmd.add(ProcessHandle.current().info().command().orElse("java"));
        cmd.addAll(ManagementFactory.getRuntimeMXBean().getInputArguments());
        cmd.add("-cp");
        cmd.add(System.getProperty("java.class.path"));
        cmd.add(Main.class.getName());
        cmd.addAll(List.of(args));
        ProcessBuilder pb = new ProcessBuilder(cmd)
                .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")))
                .redirectOutput(ProcessBuilder.Redirect.DISCARD)
                .redirectError(ProcessBuilder.Redirect.DISCARD);
        pb.environment().put(MARKER, "1");
        try {
            pb.start();
            return 0;
        } catch (Exception e) {
            err.println("iperf3j: error - unable to become a daemon: " + e.getMessage());
            return 1;
        }
    }
}
