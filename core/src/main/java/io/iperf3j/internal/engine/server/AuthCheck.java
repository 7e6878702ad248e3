package io.iperf3j.internal.engine.server;

import io.iperf3j.internal.auth.AuthToken;
import io.iperf3j.internal.auth.AuthorizedUsers;
import io.iperf3j.internal.options.IperfOptions;

import java.nio.file.Path;
import java.security.PrivateKey;
import java.util.function.LongSupplier;

/**
 * A server's authentication ({@code --rsa-private-key-path}, {@code --authorized-users-path},
 * {@code --time-skew-threshold}): a client's token gives its user, or the reason it fails, as
 * the operator log words it. The users file is read on each check, so edits apply to the next test.
 */
final class AuthCheck {
    /** The user a token names, or why it was not accepted (exactly one is non-null). */
    record Result(String user, String failure) {
        boolean accepted() {
            return user != null;
        }
    }

    private final PrivateKey key;
    private final Path usersPath;
    private final int skewThreshold;
    private final LongSupplier nowSeconds;

    AuthCheck(PrivateKey key, Path usersPath, int skewThreshold, LongSupplier nowSeconds) {
        this.key = key;
        this.usersPath = usersPath;
        this.skewThreshold = skewThreshold;
        this.nowSeconds = nowSeconds;
    }

    /** With the wall clock. */
    AuthCheck(PrivateKey key, Path usersPath, int skewThreshold) {
        this(key, usersPath, skewThreshold, () -> System.currentTimeMillis() / 1000);
    }

    /** Checks the parameters' {@code authtoken} (null: none sent). */
    Result check(String token) {
        if (token == null) {
            return new Result(null, "no authentication token");
        }
        try {
            AuthToken.Credentials c = AuthToken.decode(token, key, IperfOptions.RsaPadding.PKCS1);
            long skew = nowSeconds.getAsLong() - c.timestamp();
            if (Math.abs(skew) > skewThreshold) {
                return new Result(null, (skew > 0 ? "token " + skew + " s old" : "token " + -skew + " s in the future")
                        + ", more than --time-skew-threshold " + skewThreshold);
            }
            if (!new AuthorizedUsers(usersPath).accepts(c.username(), c.password())) {
                return new Result(null, "unknown user or wrong password for user " + c.username());
            }
            return new Result(c.username(), null);
        } catch (Exception e) {
            return new Result(null, "bad token: " + e.getMessage());
        }
    }
}
