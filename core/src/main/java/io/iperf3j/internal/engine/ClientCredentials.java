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

    /** The token to send for these options, asking for the password if the environment has none. */
    static String token(IperfOptions o) throws IperfException {
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
        if (o.rsaPublicKeyPath() == null) {
            throw new IperfException(ErrorCode.SET_CLIENT_AUTH);
        }
        try {
            return AuthToken.encode(o.username(), password, System.currentTimeMillis() / 1000,
                    PemKeys.readPublic(o.rsaPublicKeyPath()), o.authPadding());
        } catch (IOException | GeneralSecurityException e) {
            throw new IperfException(ErrorCode.SET_CLIENT_AUTH, e.getMessage());
        }
    }
}
