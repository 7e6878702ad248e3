/**
 * The controller's own folders and files (issue 55): checked to be the running user's, below folders no other user
 * can change (issue 64), and written without following a symbolic link ({@code OwnFiles}).
 */
package io.iperf3j.session.internal.files;
