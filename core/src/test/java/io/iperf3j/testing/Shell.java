package io.iperf3j.testing;

import java.io.File;
import java.io.IOException;
import java.io.InterruptedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Commands for test plumbing (ip, nft, tc, ping, ssh-keygen...), each with a deadline: the
 * output (stdout and stderr together) goes to a file, not a pipe, so a command that hangs or
 * writes a lot can neither block the test nor outlive its deadline; past it the command is
 * killed (by its own handle) and the call fails. Stdin is {@code /dev/null}. An interrupt
 * kills the command, keeps the thread's interrupt flag and throws {@link InterruptedIOException}.
 */
public final class Shell {
    /** The deadline of a command when none is given. */
    public static final Duration DEADLINE = Duration.ofSeconds(60);

    private Shell() {
    }

    /** How a command ended: its exit status and its output (stdout and stderr, interleaved). */
    public record Result(int exit, String out) {
        public boolean ok() {
            return exit == 0;
        }
    }

    /** Runs {@code argv} and returns how it ended, whatever its exit status; fails only when it cannot run or time runs out. */
    public static Result exec(Duration deadline, List<String> argv) throws IOException {
        Path out = Files.createTempFile("iperf3j-sh", ".out");
        try {
            Process p = new ProcessBuilder(argv).redirectErrorStream(true).redirectOutput(out.toFile())
                    .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null"))).start();
            try {
                if (!p.waitFor(deadline.toMillis(), TimeUnit.MILLISECONDS)) {
                    kill(p);
                    throw new IOException("did not end within " + deadline.toSeconds() + " s: " + String.join(" ", argv)
                            + "\n" + Files.readString(out, StandardCharsets.UTF_8));
                }
            } catch (InterruptedException e) {
                kill(p);
                Thread.currentThread().interrupt();
                InterruptedIOException ie = new InterruptedIOException("interrupted: " + String.join(" ", argv));
                ie.initCause(e);
                throw ie;
            }
            return new Result(p.exitValue(), Files.readString(out, StandardCharsets.UTF_8));
        } finally {
            Files.deleteIfExists(out);
        }
    }

    /** {@link #exec(Duration, List)} with the default deadline. */
    public static Result exec(String... argv) throws IOException {
        return exec(DEADLINE, List.of(argv));
    }

    /** {@code sh -c command}, whatever its exit status. */
    public static Result sh(String command) throws IOException {
        return sh(DEADLINE, command);
    }

    /** {@code sh -c command} with its own deadline, whatever its exit status. */
    public static Result sh(Duration deadline, String command) throws IOException {
        return exec(deadline, List.of("sh", "-c", command));
    }

    /** Runs {@code argv}, which must exit 0; returns its output, or throws with it. */
    public static String run(String... argv) throws IOException {
        return ok(String.join(" ", argv), exec(argv));
    }

    /** {@code sh -c command}, which must exit 0; returns its output, or throws with it. */
    public static String check(String command) throws IOException {
        return ok(command, sh(command));
    }

    private static String ok(String command, Result r) throws IOException {
        if (!r.ok()) {
            throw new IOException(command + " failed (exit " + r.exit() + "): " + r.out());
        }
        return r.out();
    }

    /** Kills the command and what it started (by their handles: this command's own descendants only). */
    private static void kill(Process p) {
        p.descendants().forEach(ProcessHandle::destroyForcibly);
        p.destroyForcibly();
        try {
            p.waitFor(5, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
