/**
 * iperf3's authentication: the RSA-encrypted credentials token
 * ({@link io.iperf3j.internal.auth.AuthToken}; its RSA block opened for either padding with no
 * branch on its bytes, {@link io.iperf3j.internal.auth.TokenBlock}), PEM keys and the server's credentials file
 * ({@link io.iperf3j.internal.auth.AuthorizedUsers}, SHA-256 of {@code {user}password}) and the
 * tokens a server has accepted ({@link io.iperf3j.internal.auth.SeenTokens}, so each is accepted once).
 *
 * <p>Threads: pure functions but {@code SeenTokens}, which any number of test threads share under its
 * monitor; the credentials file is read by the test thread that checks a token.
 */
package io.iperf3j.internal.auth;
