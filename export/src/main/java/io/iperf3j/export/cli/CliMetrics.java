package io.iperf3j.export.cli;

import io.iperf3j.MetricEvent;
import io.iperf3j.Why;
import io.iperf3j.export.MetricsFileSink;
import io.iperf3j.export.PushGatewaySink;
import io.iperf3j.export.RemoteWriteSink;

import java.io.IOException;
import java.io.PrintStream;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

/**
 * The {@code iperf3j} command's metrics sinks for one run: what
 * {@link WrapperOptions} asked for, fed with the library's public
 * {@link MetricEvent}s (interval samples). The command calls {@link #open}, lets the
 * engine report to it when {@link #enabled()} (through
 * {@code new LiveMetrics(MetricsMode.interval(), metrics)}), and calls
 * {@link #finish(int)} at the end. This module reads only the public events, never the
 * engine's records.
 *
 * <p>Samples reach the sinks without the test thread waiting: the Pushgateway
 * sink and the remote-write sink have their own workers ({@link PushGatewaySink},
 * {@link RemoteWriteSink}), the file gets a writer thread with a queue of {@value #FILE_QUEUE}
 * events. As in iperf3-rs the file always gets the raw interval samples (windows only go to the
 * gateway), and a file error is fatal: reported at once and the command exits 2 after the run.
 * A push or remote-write failure is only reported; remote write also says at the end, in one line
 * on stderr, how many samples were written ({@link RemoteWriteSink#summary()}).
 */
public final class CliMetrics implements Consumer<MetricEvent> {
    /** Events waiting for the file writer; more is reported as a file error. */
    public static final int FILE_QUEUE = 65_536;

    private static final MetricEvent END = new MetricEvent.Interval(null);
    /** Marks {@link #pendingWhy}'s place in the file queue. */
    private static final MetricEvent WHY = new MetricEvent.Interval(null);
    private volatile Why pendingWhy;

    private final PrintStream err;
    private final PushGatewaySink push;
    private final RemoteWriteSink remoteWrite;
    private final MetricsFileSink file;
    private final BlockingQueue<MetricEvent> fileQueue;
    private final Thread fileWriter;
    private volatile String fileError;

    private CliMetrics(PrintStream err, PushGatewaySink push, RemoteWriteSink remoteWrite, MetricsFileSink file) {
        this.err = err;
        this.push = push;
        this.remoteWrite = remoteWrite;
        this.file = file;
        if (file != null) {
            fileQueue = new ArrayBlockingQueue<>(FILE_QUEUE);
            fileWriter = Thread.ofPlatform().daemon().name("iperf3j-metrics-file").start(this::writeFile);
        } else {
            fileQueue = null;
            fileWriter = null;
        }
    }

    /**
     * Opens the sinks: creates (truncates) the metrics file and starts the push and remote-write workers.
     *
     * @param err where failures are reported
     * @throws IOException if the metrics file cannot be created (the command exits 2)
     */
    public static CliMetrics open(WrapperOptions options, PrintStream err) throws IOException {
        Objects.requireNonNull(options, "options");
        MetricsFileSink file = null;
        if (options.metricsFile().isPresent()) {
            try {
                file = new MetricsFileSink(options.metricsFile().get(), options.metricsFormat(), options.fileEncoder());
            } catch (IOException e) {
                throw new IOException("unable to create metrics file " + options.metricsFile().get() + ": " + reason(e, options.metricsFile().get()), e);
            }
        }
        PushGatewaySink push = options.pushConfig()
                .map(c -> PushGatewaySink.start(c, m -> err.println("iperf3j: warning - " + m)))
                .orElse(null);
        RemoteWriteSink remoteWrite = options.remoteWrite()
                .map(c -> RemoteWriteSink.start(c, options.remoteWriteEncoder(), m -> err.println("iperf3j: warning - " + m)))
                .orElse(null);
        return new CliMetrics(err, push, remoteWrite, file);
    }

    /** Whether any sink is open. */
    public boolean enabled() {
        return push != null || remoteWrite != null || file != null;
    }

    /** The push sink, if pushing. */
    public Optional<PushGatewaySink> pushSink() {
        return Optional.ofNullable(push);
    }

    /** Hands one event to the sinks; never blocks. */
    @Override
    public void accept(MetricEvent event) {
        if (push != null) {
            push.accept(event);
        }
        if (remoteWrite != null) {
            remoteWrite.accept(event);
        }
        if (fileQueue != null && fileError == null && !fileQueue.offer(event)) {
            fail("metrics file writer fell behind (" + FILE_QUEUE + " events waiting)");
        }
    }

    /**
     * Hands the test's verdict ({@code --why}, {@code -V}) to the sinks: the family
     * {@code iperf3j_test_limited{cause,sender}} in the Pushgateway's group and the Prometheus file, an
     * {@code "event":"why"} line in a JSONL file. Call before {@link #finish(int)}; never blocks for long.
     */
    public void why(Why verdicts) {
        Objects.requireNonNull(verdicts, "verdicts");
        if (push != null) {
            push.why(verdicts);
        }
        if (remoteWrite != null) {
            remoteWrite.why(verdicts);
        }
        if (fileQueue != null && fileError == null) {
            pendingWhy = verdicts;
            if (!fileQueue.offer(WHY)) {
                fail("metrics file writer fell behind (" + FILE_QUEUE + " events waiting)");
            }
        }
    }

    /**
     * Flushes and closes the sinks (the last push, the DELETE if asked for, what remote write holds:
     * at most {@link RemoteWriteSink#FLUSH_WAIT} of retries) and prints remote write's summary line.
     *
     * @param status the run's exit status
     * @return 2 if the metrics file failed, else {@code status}
     */
    public int finish(int status) {
        if (fileWriter != null) {
            try {
                while (!fileQueue.offer(END, 100, TimeUnit.MILLISECONDS)) {
                    if (!fileWriter.isAlive()) {
                        break;
                    }
                }
                fileWriter.join();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            try {
                file.close();
            } catch (IOException e) {
                fail("unable to write metrics file " + file.path() + ": " + reason(e, file.path()));
            }
        }
        if (push != null) {
            push.close();
        }
        if (remoteWrite != null) {
            remoteWrite.close();
            err.println(remoteWrite.summary());
        }
        return fileError != null ? 2 : status;
    }

    private void writeFile() {
        try {
            while (true) {
                MetricEvent e = fileQueue.take();
                if (e == END) {
                    return;
                }
                if (fileError != null) {
                    continue;
                }
                try {
                    if (e == WHY) {
                        file.why(pendingWhy);
                        continue;
                    }
                    file.write(e);
                } catch (IOException ex) {
                    fail("unable to write metrics file " + file.path() + ": " + reason(ex, file.path()));
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private synchronized void fail(String message) {
        if (fileError == null) {
            fileError = message;
            err.println("iperf3j: error - " + message);
        }
    }

    /**
     * Why a file operation failed, without repeating the metrics file's path (the message
     * names it already); another file (the temporary file beside it) is named.
     */
    static String reason(IOException e, java.nio.file.Path target) {
        String what = switch (e) {
            case java.nio.file.NoSuchFileException x -> "no such file or directory";
            case java.nio.file.AccessDeniedException x -> "permission denied";
            case java.nio.file.FileSystemException x when x.getReason() != null -> x.getReason();
            case java.nio.file.FileAlreadyExistsException x -> "file exists";
            case java.nio.file.NotDirectoryException x -> "not a directory";
            case java.nio.file.DirectoryNotEmptyException x -> "directory not empty";
            // never a Java class name in a user's message (issue 38)
            default -> e.getMessage() == null || e instanceof java.nio.file.FileSystemException ? "input/output error"
                    : e.getMessage();
        };
        if (e instanceof java.nio.file.FileSystemException fse && fse.getFile() != null) {
            java.nio.file.Path file = java.nio.file.Path.of(fse.getFile()).toAbsolutePath().normalize();
            if (!file.equals(target.toAbsolutePath().normalize())) {
                return what + " (" + fse.getFile() + ")";
            }
        }
        return what;
    }
}
