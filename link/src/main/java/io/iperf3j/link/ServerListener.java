package io.iperf3j.link;

/**
 * Events of a {@link LinkServer}, per peer. Called on the thread running the server's {@code update()}.
 */
public interface ServerListener {
    /** A new client asks to connect: true accepts (the default), false rejects. */
    default boolean onConnectRequest(Peer peer) {
        return true;
    }

    default void onMessage(Peer peer, Record message) {
    }

    /** The peer's connection failed (timed out, stopped acking); the peer is gone. */
    default void onError(Peer peer, String text) {
    }

    /** The peer disconnected gracefully; it is gone. */
    default void onDisconnect(Peer peer) {
    }
}
