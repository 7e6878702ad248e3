package io.iperf3j.session;

/** What an SSH connection does with a host key that is not in {@code known_hosts}. */
public enum HostKeyPolicy {
    /** Refuse hosts not already in {@code known_hosts} (the default). */
    STRICT,
    /** Trust a host seen for the first time and add its key to {@code known_hosts} (OpenSSH's {@code accept-new}). A changed key is still refused. */
    ACCEPT_NEW
}
