/**
 * The interop matrix as a product (issue 10): iperf3 3.12, 3.21 and iperf3j in both roles
 * (real against real left out), TCP and UDP, forward, {@code -R} and {@code --bidir},
 * {@code -t}/{@code -n}/{@code -k}, on loopback and across two network namespaces with 5 %
 * of UDP dropped by nft; the table goes to {@code target/interop-matrix.md}. Threads: the
 * cells run a few at a time, each with a hard deadline.
 */
package io.iperf3j.interop.matrix;
