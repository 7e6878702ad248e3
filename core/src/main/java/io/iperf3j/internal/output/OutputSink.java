package io.iperf3j.internal.output;

import java.io.Closeable;
import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.CharsetEncoder;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * Where one run's output goes: standard output and error, or a log file that takes
 * both (as iperf3's {@code --logfile}). Shared by the tests of one server, so every
 * write is atomic per call: lines of concurrent tests never mix within a line.
 */
public final class OutputSink implements Closeable {
    private final PrintStream out;
    private final PrintStream err;
    private final boolean ownsStreams;
    private final boolean flushEveryLine;
    // out(StringBuilder)'s encoder and buffers, under this sink's lock
    private CharsetEncoder encoder;
    private CharBuffer chars;
    private ByteBuffer bytes;
    private static final int KEPT_BUFFER = 64 * 1024;

    private OutputSink(PrintStream out, PrintStream err, boolean ownsStreams, boolean flushEveryLine) {
        this.out = out;
        this.err = err;
        this.ownsStreams = ownsStreams;
        this.flushEveryLine = flushEveryLine;
    }

    /** Output to the given streams (usually System.out and System.err). */
    public static OutputSink of(PrintStream out, PrintStream err, boolean forceFlush) {
        return new OutputSink(out, err, false, forceFlush);
    }

    /** Output and errors appended to a log file, as iperf3 opens it (mode {@code a+}); flushed per line as iperf3 does. */
    public static OutputSink appendingTo(Path logFile) throws IOException {
        OutputStream stream = Files.newOutputStream(logFile, StandardOpenOption.CREATE, StandardOpenOption.APPEND);
        PrintStream ps = new PrintStream(stream, false, StandardCharsets.UTF_8);
        return new OutputSink(ps, ps, true, true);
    }

    /** A sink that drops everything (library runs that only want the JSON or metrics). */
    public static OutputSink discarding() {
        PrintStream nul = new PrintStream(OutputStream.nullOutputStream(), false, StandardCharsets.UTF_8);
        return new OutputSink(nul, nul, true, false);
    }

    /** Writes text to the output stream as it is. */
    public synchronized void out(String text) {
        out.print(text);
        if (flushEveryLine) {
            out.flush();
        }
    }

    /**
     * Writes a block of text to the output stream as {@link #out(String)} does, without making a
     * {@code String} of it: encoded in the stream's charset into buffers kept for the next block (a
     * test's interval lines, once a second: issue 58). Unmappable characters are replaced, as the
     * stream's own writer does.
     */
    public synchronized void out(StringBuilder text) {
        int n = text.length();
        if (encoder == null) {
            encoder = out.charset().newEncoder()
                    .onMalformedInput(CodingErrorAction.REPLACE).onUnmappableCharacter(CodingErrorAction.REPLACE);
        }
        int most = (int) Math.ceil(n * (double) encoder.maxBytesPerChar()) + 16;
        if (chars == null || chars.capacity() < n) {
            chars = CharBuffer.allocate(Math.max(n, 1024));
        }
        if (bytes == null || bytes.capacity() < most) {
            bytes = ByteBuffer.allocate(Math.max(most, 4096));
        }
        chars.clear();
        text.getChars(0, n, chars.array(), 0);
        chars.limit(n);
        bytes.clear();
        encoder.reset();
        encoder.encode(chars, bytes, true);
        encoder.flush(bytes);
        out.write(bytes.array(), 0, bytes.position());
        if (flushEveryLine) {
            out.flush();
        }
        if (bytes.capacity() > KEPT_BUFFER) { // a long summary (-P 128) does not keep its size
            chars = null;
            bytes = null;
        }
    }

    /** Writes text to the error stream as it is (warnings and errors). */
    public synchronized void err(String text) {
        err.print(text);
        err.flush();
    }

    public synchronized void flush() {
        out.flush();
        err.flush();
    }

    @Override
    public synchronized void close() {
        flush();
        if (ownsStreams) {
            out.close();
            err.close();
        }
    }
}
