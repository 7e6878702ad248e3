/**
 * What runs on a host: the host agent (one shell per node for a session's life, holding the host's
 * throughput slot and its owner's lock), the host scripts ({@code .sh} resources, one library plus one
 * script per job, their replies read by {@code HostReply}), one iperf process started and killed by PID, the
 * check of who listens on a port, and the image install. Called on the thread of the test that uses them.
 */
package io.iperf3j.session.internal.host;
