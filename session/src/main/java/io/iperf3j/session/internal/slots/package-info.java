/**
 * The host-slots service ({@code iperf3j host-slots}): one arbiter per host, run by systemd, through which the sessions
 * of every account on the host take turns (docs/design/session.md, "Slots on the hosts"). Its wire ({@code SlotWire},
 * one line a request and one a reply, a Jazzer target), its state ({@code SlotTable}: who holds and who waits for each
 * slot), the server ({@code SlotService}: a UNIX socket, each peer known by {@code SO_PEERCRED}) and the controller's
 * client ({@code SlotClient}, over a host's socket reached by SSH's {@code direct-streamlocal} channel or locally).
 * Threads: the server runs one virtual thread per connection, the table is one monitor; the client is called under its
 * host agent's lock.
 */
package io.iperf3j.session.internal.slots;
