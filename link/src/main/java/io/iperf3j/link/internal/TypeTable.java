package io.iperf3j.link.internal;

import java.util.HashMap;
import java.util.Map;

/** Message types by id, name and class: the system ones (2..11) and the user's (20..255). Immutable. */
public final class TypeTable {
    private final RecordCodec[] byId = new RecordCodec[256];
    private final Map<Class<?>, RecordCodec> byClass = new HashMap<>();
    private final Map<String, RecordCodec> byName = new HashMap<>();

    /** Starts a table holding the system messages. */
    public TypeTable() {
        put(SystemMessages.CONNECT_REQUEST, "ConnectRequest", SystemMessages.ConnectRequest.class);
        put(SystemMessages.CONNECT_REJECTED, "ConnectRequestRejected", SystemMessages.ConnectRequestRejected.class);
        put(SystemMessages.CONNECT_ACCEPTED, "ConnectRequestAccepted", SystemMessages.ConnectRequestAccepted.class);
        put(SystemMessages.KEEP_ALIVE_REQUEST, "KeepAliveRequest", SystemMessages.KeepAliveRequest.class);
        put(SystemMessages.KEEP_ALIVE_RESPONSE, "KeepAliveResponse", SystemMessages.KeepAliveResponse.class);
        put(SystemMessages.DISCONNECTED, "Disconnected", SystemMessages.Disconnected.class);
        put(SystemMessages.MESSAGE_ACK, "MessageAck", SystemMessages.MessageAck.class);
        put(SystemMessages.PING, "Ping", SystemMessages.Ping.class);
        put(SystemMessages.PONG, "Pong", SystemMessages.Pong.class);
        put(SystemMessages.PONG_HELD, "PongHeld", SystemMessages.PongHeld.class);
    }

    /** Adds a user type; refuses ids outside 20..255 and any id, name or class already present. */
    public void addUser(int id, String name, Class<? extends Record> type) {
        if (id < SystemMessages.FIRST_USER_TYPE || id > 255) {
            throw new IllegalArgumentException("user message ids are 20..255 (0..19 belong to the link): " + id);
        }
        if (name == null || name.isBlank()) {
            throw new IllegalArgumentException("a message type needs a name");
        }
        put(id, name, type);
    }

    private void put(int id, String name, Class<? extends Record> type) {
        if (byId[id] != null) {
            throw new IllegalArgumentException("message id " + id + " is already " + byId[id].name());
        }
        if (byName.containsKey(name)) {
            throw new IllegalArgumentException("message name " + name + " is already id " + byName.get(name).typeId());
        }
        if (byClass.containsKey(type)) {
            throw new IllegalArgumentException(type.getName() + " is already registered as " + byClass.get(type).name());
        }
        RecordCodec c = RecordCodec.of(id, name, type);
        byId[id] = c;
        byName.put(name, c);
        byClass.put(type, c);
    }

    /** The codec of id {@code id}, or null. */
    public RecordCodec byId(int id) {
        return byId[id & 0xFF];
    }

    public RecordCodec byName(String name) {
        return byName.get(name);
    }

    /** The codec of {@code type}; refuses unregistered classes. */
    public RecordCodec of(Class<?> type) {
        RecordCodec c = byClass.get(type);
        if (c == null) {
            throw new IllegalArgumentException(type.getName() + " is not a registered message type");
        }
        return c;
    }
}
