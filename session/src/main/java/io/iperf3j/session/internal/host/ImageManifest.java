package io.iperf3j.session.internal.host;

import io.iperf3j.internal.subcommand.LogText;
import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.zip.GZIPInputStream;

/**
 * What an unpacked runtime image must hold: every regular file of its tarball, under the tarball's top folder, with its
 * SHA-256, as {@code sha256sum -c} reads it ({@code HASH  ./bin/iperf3j}, one line a file). The host checks an image
 * against it before anything in the image runs ({@link ImageInstaller}): a folder is not taken for the image because of its
 * name or a mark in it, but because every file in it is the tarball's.
 *
 * <p>Why a reader of its own and not Apache Commons Compress: it needs only the names, types and contents of a tar's
 * entries (ustar, with GNU's long names and pax paths, which GNU tar writes for long paths), about 100 lines with explicit
 * limits, where the library would be the session's largest dependency for one read of one file.
 *
 * <p>Limits: at most {@link #MAX_ENTRIES} entries; names of at most {@link #MAX_NAME} bytes, of printable characters other
 * than backslash (sha256sum escapes others), relative, without {@code ..}; the tarball's own size limit
 * ({@code Node.ImageInstall.MAX_BYTES}) bounds the rest. A tarball outside them is refused.
 */
final class ImageManifest {
    /** Most entries read from one tarball. */
    static final int MAX_ENTRIES = 100_000;
    /** Longest entry name. */
    static final int MAX_NAME = 4096;
    private static final int BLOCK = 512;

    private ImageManifest() {
    }

    /**
     * The manifest of {@code tarball} (a gzip'd tar whose entries sit in one top folder, which an unpack with
     * {@code --strip-components=1} drops).
     *
     * @throws IOException if it cannot be read, or is not such a tarball
     */
    static String of(Path tarball) throws IOException {
        StringBuilder manifest = new StringBuilder();
        try (InputStream in = new BufferedInputStream(new GZIPInputStream(Files.newInputStream(tarball), 1 << 16), 1 << 16)) {
            byte[] header = new byte[BLOCK];
            String longName = null;
            for (int entries = 0;; entries++) {
                if (entries > MAX_ENTRIES) {
                    throw new IOException("more than " + MAX_ENTRIES + " entries");
                }
                if (!readBlock(in, header)) {
                    throw new IOException("it ends without the tar's end blocks");
                }
                if (allZero(header)) {
                    break;
                }
                long size = size(header);
                char type = (char) header[156];
                String name = longName != null ? longName : ustarName(header);
                longName = null;
                switch (type) {
                    case 'L' -> longName = trimNul(new String(readData(in, size), StandardCharsets.UTF_8));
                    case 'x' -> longName = paxPath(readData(in, size));
                    case '0', '\0', '7' -> {
                        String file = stripped(name);
                        String hash = hashData(in, size);
                        if (!file.isEmpty()) {
                            manifest.append(hash).append("  ./").append(file).append('\n');
                        }
                    }
                    default -> skipData(in, size);
                }
            }
        }
        if (manifest.isEmpty()) {
            throw new IOException("it holds no file");
        }
        return manifest.toString();
    }

    /** The name without its top folder; "" for the top folder itself. */
    private static String stripped(String name) throws IOException {
        if (name.length() > MAX_NAME || name.startsWith("/") || name.chars().anyMatch(c -> c < 0x20 || c == 0x7f || c == '\\')) {
            throw new IOException("an entry's name is not a plain relative path: " + LogText.escape(name));
        }
        String n = name.startsWith("./") ? name.substring(2) : name;
        for (String part : n.split("/")) {
            if (part.equals("..")) {
                throw new IOException("an entry's name climbs out of the image: " + name);
            }
        }
        int slash = n.indexOf('/');
        return slash < 0 ? "" : n.substring(slash + 1);
    }

    private static String ustarName(byte[] h) {
        String name = field(h, 0, 100);
        boolean ustar = field(h, 257, 6).startsWith("ustar");
        String prefix = ustar ? field(h, 345, 155) : "";
        return prefix.isEmpty() ? name : prefix + "/" + name;
    }

    private static String field(byte[] h, int at, int length) {
        int end = at;
        while (end < at + length && h[end] != 0) {
            end++;
        }
        return new String(h, at, end - at, StandardCharsets.UTF_8);
    }

    /** The entry's size: octal digits, or GNU's base-256 for large ones. */
    private static long size(byte[] h) throws IOException {
        if ((h[124] & 0x80) != 0) {
            long v = 0;
            for (int i = 125; i < 136; i++) {
                v = (v << 8) | (h[i] & 0xff);
            }
            return check(v);
        }
        String s = field(h, 124, 12).strip();
        try {
            return check(s.isEmpty() ? 0 : Long.parseLong(s, 8));
        } catch (NumberFormatException e) {
            throw new IOException("an entry's size is not a number: " + LogText.escape(s));
        }
    }

    private static long check(long size) throws IOException {
        if (size < 0 || size > io.iperf3j.session.Node.ImageInstall.MAX_BYTES * 8) {
            throw new IOException("an entry's size is out of bounds: " + size);
        }
        return size;
    }

    /** A pax header's {@code path}, or null (then the entry's own name stands). */
    private static String paxPath(byte[] data) throws IOException {
        String text = new String(data, StandardCharsets.UTF_8);
        int i = 0;
        while (i < text.length()) {
            int sp = text.indexOf(' ', i);
            if (sp < 0) {
                throw new IOException("a pax header is not length-prefixed records");
            }
            int length;
            try {
                length = Integer.parseInt(text.substring(i, sp));
            } catch (NumberFormatException e) {
                throw new IOException("a pax header is not length-prefixed records");
            }
            if (length <= sp - i || i + length > text.length()) {
                throw new IOException("a pax record runs past its header");
            }
            String record = text.substring(sp + 1, i + length - 1);
            if (record.startsWith("path=")) {
                return record.substring(5);
            }
            i += length;
        }
        return null;
    }

    private static String trimNul(String s) {
        int nul = s.indexOf('\0');
        return nul < 0 ? s : s.substring(0, nul);
    }

    private static byte[] readData(InputStream in, long size) throws IOException {
        if (size > MAX_NAME * 4L) {
            throw new IOException("a name header of " + size + " bytes");
        }
        byte[] data = new byte[(int) size];
        if (in.readNBytes(data, 0, data.length) != data.length) {
            throw new IOException("it ends inside an entry");
        }
        skipPadding(in, size);
        return data;
    }

    private static String hashData(InputStream in, long size) throws IOException {
        MessageDigest sha;
        try {
            sha = MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every JDK has SHA-256", e);
        }
        byte[] buf = new byte[1 << 16];
        for (long left = size; left > 0; ) {
            int n = in.read(buf, 0, (int) Math.min(buf.length, left));
            if (n < 0) {
                throw new IOException("it ends inside an entry");
            }
            sha.update(buf, 0, n);
            left -= n;
        }
        skipPadding(in, size);
        return HexFormat.of().formatHex(sha.digest());
    }

    private static void skipData(InputStream in, long size) throws IOException {
        in.skipNBytes((size + BLOCK - 1) / BLOCK * BLOCK);
    }

    private static void skipPadding(InputStream in, long size) throws IOException {
        long pad = (BLOCK - size % BLOCK) % BLOCK;
        in.skipNBytes(pad);
    }

    private static boolean readBlock(InputStream in, byte[] block) throws IOException {
        return in.readNBytes(block, 0, BLOCK) == BLOCK;
    }

    private static boolean allZero(byte[] b) {
        for (byte x : b) {
            if (x != 0) {
                return false;
            }
        }
        return true;
    }
}
