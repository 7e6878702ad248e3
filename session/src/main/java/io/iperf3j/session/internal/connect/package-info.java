/**
 * Connections to hosts: this machine ({@code sh -c}) and SSH (MINA SSHD, read with OpenSSH's defaults and
 * files: config, keys, agent, known hosts), with their byte-exact copies. A connection is used by the test
 * threads that hold its lock; MINA's I/O threads serve its channels.
 */
package io.iperf3j.session.internal.connect;
