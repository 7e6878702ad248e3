package io.iperf3j.internal.auth;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/**
 * iperf3's credentials file: lines {@code user,sha256hex("{user}password")};
 * empty lines, lines starting with {@code #} and lines without a comma are
 * skipped. The file is read at each check, as iperf3 does, so edits apply to the
 * next test without a restart.
 */
public final class AuthorizedUsers {
    private final Path file;

    public AuthorizedUsers(Path file) {
        this.file = file;
    }

    /** Whether the file lists the user with this password. The hash comparison takes constant time. */
    public boolean accepts(String user, String password) throws IOException {
        byte[] expected = hexDigest(user, password).getBytes(StandardCharsets.US_ASCII);
        boolean found = false;
        for (String line : Files.readAllLines(file, StandardCharsets.UTF_8)) {
            int cut = indexOfAny(line, '\r', '\n');
            if (cut >= 0) {
                line = line.substring(0, cut);
            }
            if (line.isEmpty() || line.startsWith("#") || line.indexOf(',') < 0) {
                continue;
            }
            String[] fields = line.split(",+");
            if (fields.length < 2 || !fields[0].equals(user)) {
                continue;
            }
            // Constant time over the digest so timing does not reveal how much of it matched.
            found |= MessageDigest.isEqual(fields[1].getBytes(StandardCharsets.US_ASCII), expected);
        }
        return found;
    }

    /** Lower-case hex SHA-256 of {@code "{user}password"}. */
    public static String hexDigest(String user, String password) {
        try {
            MessageDigest md = MessageDigest.getInstance("SHA-256");
            return HexFormat.of().formatHex(md.digest(("{" + user + "}" + password).getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is always available", e);
        }
    }

    private static int indexOfAny(String s, char a, char b) {
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c == a || c == b) {
                return i;
            }
        }
        return -1;
    }
}
