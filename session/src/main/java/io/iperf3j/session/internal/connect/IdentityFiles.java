package io.iperf3j.session.internal.connect;

import java.io.IOException;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.sshd.common.config.keys.FilePasswordProvider;
import org.apache.sshd.common.keyprovider.FileKeyPairProvider;
import org.apache.sshd.common.keyprovider.KeyIdentityProvider;
import org.apache.sshd.common.session.SessionContext;

/**
 * The identity files of a login, read when MINA SSHD first offers keys: each file on its own, so
 * that one that cannot be read (missing, encrypted without a passphrase, a wrong passphrase, a
 * type this client lacks) is skipped and the others are still offered, as OpenSSH's {@code ssh}
 * skips it with a warning. Why a skipped file was skipped is kept for the login's error message
 * ({@link #skipped()}). Encrypted files (OpenSSH's bcrypt format or PEM) are decrypted with the one
 * passphrase given, if any.
 */
public final class IdentityFiles implements KeyIdentityProvider {
    private final List<Path> files;
    private final Optional<String> passphrase;
    private final Map<Path, String> skipped = new ConcurrentHashMap<>();

    /** The files in the order they are offered. */
    public IdentityFiles(List<Path> files, Optional<String> passphrase) {
        this.files = List.copyOf(files);
        this.passphrase = passphrase;
    }

    @Override
    public Iterable<KeyPair> loadKeys(SessionContext session) {
        List<KeyPair> keys = new ArrayList<>();
        for (Path file : files) {
            try {
                keys.addAll(read(file, session));
                skipped.remove(file);
            } catch (IOException | GeneralSecurityException | RuntimeException e) {
                skipped.put(file, e.getMessage() != null ? e.getMessage() : e.getClass().getSimpleName());
            }
        }
        return keys;
    }

    private List<KeyPair> read(Path file, SessionContext session) throws IOException, GeneralSecurityException {
        FileKeyPairProvider provider = new FileKeyPairProvider(file);
        provider.setPasswordFinder(passphrase.isPresent() ? FilePasswordProvider.of(passphrase.get())
                : FilePasswordProvider.EMPTY);
        List<KeyPair> keys = new ArrayList<>();
        provider.loadKeys(session).forEach(keys::add);
        if (keys.isEmpty()) {
            // MINA reads an encrypted file without a passphrase as no key at all, without an error
            throw new IOException("no key read from it" + (passphrase.isEmpty() ? " (encrypted? give passphrase_env)" : ""));
        }
        return keys;
    }

    /** The files skipped at the last reading, each with why ("FILE: reason"). */
    public List<String> skipped() {
        return files.stream().filter(skipped::containsKey).map(f -> f + ": " + skipped.get(f)).toList();
    }
}
