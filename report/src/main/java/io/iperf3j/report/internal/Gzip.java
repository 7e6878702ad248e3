package io.iperf3j.report.internal;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.util.zip.Deflater;
import java.util.zip.GZIPOutputStream;

/** gzip at the best compression (what browsers' DecompressionStream("gzip") reads back). */
final class Gzip {
    private Gzip() {
    }

    static OutputStream output(OutputStream target) throws IOException {
        return new GZIPOutputStream(target, 1 << 16) {
            {
                def.setLevel(Deflater.BEST_COMPRESSION);
            }
        };
    }

    static byte[] compress(byte[] data) {
        ByteArrayOutputStream buffer = new ByteArrayOutputStream(data.length / 4 + 64);
        try (OutputStream gz = output(buffer)) {
            gz.write(data);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return buffer.toByteArray();
    }
}
