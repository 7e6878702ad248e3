package io.iperf3j.link;

/**
 * Events of a {@link LinkClient} (legume's {@code OnConnectRequestAccepted}, {@code OnConnectRequestRejected},
 * {@code OnMessage}, {@code OnError}, {@code OnDisconnect}). Called on the thread running {@code update()}.
 */
public interface ClientListener {
    default void onConnectAccepted(LinkClient client) {
    }

    /** The server refused the connection; the client is now ERRORED. */
    default void onConnectRejected(LinkClient client) {
    }

    default void onMessage(LinkClient client, Record message) {
    }

    /** The connection failed ("Connection timed out", "Connection reset by peer", ...); the client is ERRORED. */
    default void onError(LinkClient client, String text) {
    }

    /** The server closed the connection; the client is DISCONNECTED. */
    default void onDisconnect(LinkClient client) {
    }
}
