package io.iperf3j.session;

import io.iperf3j.session.SessionException.ConnectionError;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import io.iperf3j.session.internal.connect.LocalConnection;

/**
 * A local connection behind a prefix ({@code adb -s X shell}, {@code kubectl exec POD --}; here {@code env}) copies a
 * file from the far side byte for byte, whatever its size and bytes. Before, the copy went through
 * {@link Connection#run}, which keeps 1 MiB and decodes UTF-8: a 5 MiB binary came back as 1 MiB of replacement
 * characters.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class LocalConnectionFetchTest {
    @TempDir
    Path dir;

    private final LocalConnection behindPrefix = new LocalConnection(new Connection.Wrapper(List.of("env"), List.of(), List.of()));

    @Test
    void aBinaryFileOfFiveMebibytesComesBackByteForByte() throws Exception {
        byte[] bytes = new byte[5 << 20];
        new Random(45).nextBytes(bytes);
        Path remote = dir.resolve("far side.bin");
        Files.write(remote, bytes);
        Path local = dir.resolve("copy.bin");
        behindPrefix.fetch(remote.toString(), local);
        assertThat(Files.size(local)).isEqualTo(bytes.length);
        assertThat(sha256(Files.readAllBytes(local))).as("byte for byte").isEqualTo(sha256(bytes));
    }

    private static String sha256(byte[] b) throws Exception {
        return java.util.HexFormat.of().formatHex(java.security.MessageDigest.getInstance("SHA-256").digest(b));
    }

    @Test
    void aFileThatIsNotThereIsAnErrorNamingIt() {
        Path missing = dir.resolve("missing.out");
        assertThatThrownBy(() -> behindPrefix.fetch(missing.toString(), dir.resolve("copy")))
                .isInstanceOf(ConnectionError.class).hasMessageContaining("cannot read " + missing)
                .hasMessageContaining("No such file");
    }
}
