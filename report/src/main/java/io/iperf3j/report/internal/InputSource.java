package io.iperf3j.report.internal;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Bytes a reader can open more than once (one pass parses, one keeps the raw text): a file,
 * or a document held in memory (a run's own -J document for {@code --report}).
 */
public sealed interface InputSource {
    /** What error messages call the input. */
    String name();

    long size() throws IOException;

    InputStream open() throws IOException;

    record FileSource(Path path) implements InputSource {
        @Override
        public String name() {
            return path.toString();
        }

        @Override
        public long size() throws IOException {
            return Files.size(path);
        }

        @Override
        public InputStream open() throws IOException {
            return Files.newInputStream(path);
        }
    }

    record TextSource(String name, String text) implements InputSource {
        @Override
        public long size() {
            return text.getBytes(StandardCharsets.UTF_8).length;
        }

        @Override
        public InputStream open() {
            return new ByteArrayInputStream(text.getBytes(StandardCharsets.UTF_8));
        }
    }
}
