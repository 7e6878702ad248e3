package io.iperf3j.internal.engine;

import io.iperf3j.internal.auth.AuthToken;
import io.iperf3j.internal.auth.PemKeys;
import io.iperf3j.internal.options.IperfOptions;
import io.iperf3j.internal.protocol.ErrorCode;
import io.iperf3j.internal.protocol.IperfException;

import java.io.Console;
import java.io.IOException;
import java.security.GeneralSecurityException;

/**
 * The client's side of authentication ({@code --username}): the password from
 * {@code IPERF3_PASSWORD} or a console prompt, made into iperf3's token
 * ({@link AuthToken}). Runs on the thread that starts the client test.
 */
final class ClientCredentials {
    private ClientCredentials() {
    }

    /** The password, from the environment or, if it has none, a console prompt (asked once per test). */
    static String password() throws IperfException {
        String password = System.getenv("IPERF3_PASSWORD");
        if (password == null) {
            Console console = System.console();
            if (console == null) {
                throw new IperfException(ErrorCode.SET_CLIENT_AUTH);
            }
            char[] p = console.readPassword("Password: ");
            if (p == null) {
                throw new IperfException(ErrorCode.SET_CLIENT_AUTH);
            }
            password = new String(p);
        }
        return password;
    }

    /**
     * The token to send for these options, padded with {@code padding} (PKCS#1 v1.5 or OAEP;
     * the caller resolves {@code AUTO}).
     */
    static String token(IperfOptions o, String password, IperfOptions.RsaPadding padding) throws IperfException {
        if (padding == IperfOptions.RsaPadding.AUTO) {
            throw new IllegalArgumentException("a token has one padding");
        }
        if (o.rsaPublicKeyPath() == null) {
            throw new IperfException(ErrorCode.SET_CLIENT_AUTH);
        }
        try {
            return AuthToken.encode(o.username(), password, System.currentTimeMillis() / 1000,
                    PemKeys.readPublic(o.rsaPublicKeyPath()), padding);
        } catch (IOException | GeneralSecurityException e) {
            throw new IperfException(ErrorCode.SET_CLIENT_AUTH, e.getMessage());
        }
    }
}
