package io.iperf3j.report.internal;

import io.iperf3j.IperfJsonLimits;
import io.iperf3j.IperfJsonRead;
import io.iperf3j.IperfJsonReader;
import io.iperf3j.IperfRun;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;

/**
 * Reads one run: an iperf3 -J document or a --json-stream file, from iperf3 3.12 and newer or iperf3j,
 * with core's {@link IperfJsonReader} (one reader of iperf3's JSON for every module). Intervals go to the
 * {@link RunAccumulator} one at a time, so an hour at {@code -i 0.1} never sits in memory as a whole.
 * A stream cut in its last line is still rejected here (showing a partial run is a follow-up).
 */
public final class RunReader {
    /** Inputs up to this size are embedded as plain text; larger ones gzip'd. */
    static final int PLAIN_EMBED_LIMIT = 256 * 1024;

    private RunReader() {
    }

    public static RunDocument read(InputSource source, String label) throws InputFormatException {
        long size;
        try {
            size = source.size();
        } catch (IOException e) {
            throw new InputFormatException(source.name() + ": cannot read: " + e.getMessage(), e);
        }
        if (size > InputLimits.MAX_FILE_BYTES) {
            throw new InputFormatException(source.name() + ": " + size + " bytes, more than the limit of "
                    + InputLimits.MAX_FILE_BYTES + " bytes");
        }
        if (size == 0) {
            throw new InputFormatException(source.name() + ": empty file, not an iperf3 -J or --json-stream output");
        }
        RunAccumulator run = new RunAccumulator(source.name());
        IperfJsonRead read;
        try (InputStream in = source.open()) {
            read = IperfJsonReader.read(in, IperfJsonLimits.DEFAULT.withMaxRuns(1), run);
        } catch (IOException e) {
            throw new InputFormatException(source.name() + ": cannot read: " + e.getMessage(), e);
        } catch (RunAccumulator.Unchecked e) {
            throw e.getCause();
        }
        if (read instanceof IperfJsonRead.Rejected rejected) {
            throw new InputFormatException(source.name() + ": " + rejected.message());
        }
        IperfJsonRead.Read ok = (IperfJsonRead.Read) read;
        IperfRun r = ok.last();
        // a stream cut in its last line (D14): the reader keeps the lines before it, the report rejects the file
        var cut = ok.notes().stream().filter(n -> n.contains(" is cut: ")).findFirst();
        if (cut.isPresent()) {
            String n = cut.get();
            throw new InputFormatException(source.name() + ": " + n.substring(n.indexOf(" is cut: ") + " is cut: ".length()));
        }
        RawInput raw = raw(source, size, r.format() == io.iperf3j.IperfJsonFormat.JSON ? "application/json"
                : "application/x-ndjson");
        return run.build(label, raw, r);
    }

    static RawInput raw(InputSource source, long size, String mediaType) throws InputFormatException {
        try (InputStream in = source.open()) {
            ByteArrayOutputStream buffer = new ByteArrayOutputStream((int) Math.min(size, PLAIN_EMBED_LIMIT) + 64);
            if (size <= PLAIN_EMBED_LIMIT) {
                in.transferTo(buffer);
                return new RawInput(mediaType, buffer.toByteArray(), false, size);
            }
            try (OutputStream gz = Gzip.output(buffer)) {
                in.transferTo(gz);
            }
            return new RawInput(mediaType, buffer.toByteArray(), true, size);
        } catch (IOException e) {
            throw new InputFormatException(source.name() + ": cannot read: " + e.getMessage(), e);
        }
    }
}
