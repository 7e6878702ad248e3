package io.iperf3j.internal.engine;

import io.iperf3j.internal.auth.PemKeys;
import io.iperf3j.internal.options.IperfOptions;
import io.iperf3j.internal.protocol.ErrorCode;
import io.iperf3j.internal.protocol.IperfException;

import java.io.Console;
import java.io.IOException;
import java.security.GeneralSecurityException;

/** The client's side of authentication: the password from IPERF3_PASSWORD or a prompt, then the token. */
public final class AuthToken {
    private AuthToken() {
    }

    static String forOptions(IperfOptions o) throws IperfException {
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
            return io.iperf3j.internal.auth.AuthToken.encode(o.username(), password, System.currentTimeMillis() / 1000,
                    PemKeys.readPublic(o.rsaPublicKeyPath()), o.authPadding());
        } catch (IOException | GeneralSecurityException e) {
            throw new IperfException(ErrorCode.SET_CLIENT_AUTH, e.getMessage());
        }
    }
}
