/**
 * iperf3's authentication: the RSA-encrypted credentials token
 * ({@link io.iperf3j.internal.auth.AuthToken}), PEM keys and the server's credentials file
 * ({@link io.iperf3j.internal.auth.AuthorizedUsers}, SHA-256 of {@code {user}password}).
 *
 * <p>Threads: pure functions; the credentials file is read by the test thread that checks a
 * token.
 */
package io.iperf3j.internal.auth;
