package io.iperf3j.session;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Objects;
import java.util.regex.Pattern;

/**
 * A host option: before the plan's first iperf3j test on the host, the iperf3j runtime image
 * (the tarball {@code iperf3j-VERSION-linux-x64.tar.gz} the dist module builds: a jlinked
 * Java runtime, the application and {@code bin/iperf3j}) is copied to the host over SFTP,
 * unpacked with the host's {@code tar} into {@link #imageDirectory()} and run from there, so
 * the host needs nothing but sshd and tar. The directory is named after the tarball's
 * SHA-256, and a {@code .sha256} mark is written there only after the unpacked launcher ran
 * {@code --version}: a later run finds the mark and reuses the image without copying it again.
 *
 * <p>Limits: a tarball of at most {@link #MAX_BYTES}; the directory an absolute path of plain
 * characters (it is put into shell lines).
 *
 * @param tarball the runtime image tarball on this machine
 * @param sha256 its SHA-256, in hex
 * @param directory the directory on the host under which {@code image-<sha256 prefix>} is made
 */
public record ImageInstall(Path tarball, String sha256, String directory) {
    /** Largest tarball accepted. */
    public static final long MAX_BYTES = 1L << 30;
    /** Where images go on a host unless a plan says otherwise. */
    public static final String DEFAULT_DIRECTORY = "/tmp/iperf3j-session";
    private static final Pattern SAFE_DIR = Pattern.compile("/[A-Za-z0-9_./+@%=,-]*");
    private static final Pattern SHA256 = Pattern.compile("[0-9a-f]{64}");

    /** Checks the fields. */
    public ImageInstall {
        Objects.requireNonNull(tarball, "tarball");
        Objects.requireNonNull(sha256, "sha256");
        Objects.requireNonNull(directory, "directory");
        if (!SHA256.matcher(sha256).matches()) {
            throw new IllegalArgumentException("sha256 '" + sha256 + "' is not 64 lower-case hex digits");
        }
        if (!SAFE_DIR.matcher(directory).matches() || directory.contains("..")) {
            throw new IllegalArgumentException("install directory '" + directory
                    + "' must be an absolute path of plain characters ([A-Za-z0-9_./+@%=,-], no ..)");
        }
    }

    /** The image at {@code tarball}, installed under {@link #DEFAULT_DIRECTORY}; reads and hashes the file now. */
    public static ImageInstall of(Path tarball) throws IperfConfigurationError {
        return of(tarball, DEFAULT_DIRECTORY);
    }

    /**
     * The image at {@code tarball}, installed under {@code directory}; reads and hashes the file now.
     *
     * @throws IperfConfigurationError if the file is missing, unreadable, too big or not gzip
     */
    public static ImageInstall of(Path tarball, String directory) throws IperfConfigurationError {
        try {
            if (!Files.isRegularFile(tarball)) {
                throw new IperfConfigurationError("install image " + tarball + ": no such file (build it with "
                        + "`mvn -pl dist -am package`: dist/target/iperf3j-VERSION-linux-x64.tar.gz)");
            }
            long size = Files.size(tarball);
            if (size > MAX_BYTES) {
                throw new IperfConfigurationError("install image " + tarball + ": " + size + " bytes is over the "
                        + MAX_BYTES + "-byte limit");
            }
            MessageDigest sha = MessageDigest.getInstance("SHA-256");
            byte[] head = new byte[2];
            int headLength = 0;
            try (InputStream in = Files.newInputStream(tarball)) {
                byte[] buf = new byte[1 << 16];
                for (int n; (n = in.read(buf)) >= 0; ) {
                    for (int i = 0; i < n && headLength < 2; i++) {
                        head[headLength++] = buf[i];
                    }
                    sha.update(buf, 0, n);
                }
            }
            if (headLength < 2 || (head[0] & 0xff) != 0x1f || (head[1] & 0xff) != 0x8b) {
                throw new IperfConfigurationError("install image " + tarball
                        + ": not a gzip file (expected the runtime image iperf3j-VERSION-linux-x64.tar.gz)");
            }
            return new ImageInstall(tarball.toAbsolutePath(), HexFormat.of().formatHex(sha.digest()), directory);
        } catch (IOException e) {
            throw new IperfConfigurationError("install image " + tarball + ": cannot read it: " + e.getMessage());
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every JDK has SHA-256", e);
        } catch (IllegalArgumentException e) {
            throw new IperfConfigurationError("install image " + tarball + ": " + e.getMessage());
        }
    }

    /** The directory the image is unpacked into on the host: {@code DIRECTORY/image-<first 16 hex digits of the SHA-256>}. */
    public String imageDirectory() {
        return (directory.endsWith("/") ? directory : directory + "/") + "image-" + sha256.substring(0, 16);
    }

    /** The unpacked launcher on the host. */
    public String launcher() {
        return imageDirectory() + "/bin/iperf3j";
    }
}
