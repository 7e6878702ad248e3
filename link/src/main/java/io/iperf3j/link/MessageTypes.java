package io.iperf3j.link;

import io.iperf3j.link.internal.TypeTable;

/**
 * The user message types of a link, each a record registered under an id (20..255) and a name
 * (legume's {@code MessageFactory}). Both ends must register the same types. Immutable once built.
 *
 * <pre>{@code
 * record Chat(@Wire.U16 int room, String text) {}
 * MessageTypes types = MessageTypes.builder().add(20, "Chat", Chat.class).build();
 * }</pre>
 */
public final class MessageTypes {
    private final TypeTable table;

    private MessageTypes(TypeTable table) {
        this.table = table;
    }

    public static Builder builder() {
        return new Builder();
    }

    /** Only the link's own messages (pings, acks...): enough for a latency probe. */
    public static MessageTypes none() {
        return new MessageTypes(new TypeTable());
    }

    TypeTable table() {
        return table;
    }

    /** The id a type was registered under; IllegalArgumentException if it was not. */
    public int idOf(Class<? extends Record> type) {
        return table.of(type).typeId();
    }

    /** Collects types; duplicate ids, names or classes and ids outside 20..255 are refused at once. */
    public static final class Builder {
        private final TypeTable table = new TypeTable();
        private boolean built;

        private Builder() {
        }

        public Builder add(int id, String name, Class<? extends Record> type) {
            if (built) {
                throw new IllegalStateException("already built");
            }
            table.addUser(id, name, type);
            return this;
        }

        public MessageTypes build() {
            built = true;
            return new MessageTypes(table);
        }
    }
}
