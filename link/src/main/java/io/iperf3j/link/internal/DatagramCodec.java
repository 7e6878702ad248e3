package io.iperf3j.link.internal;

import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;

/**
 * A datagram as the concatenation of messages, each a 5-byte transport header (big-endian
 * {@code !HHB}: message id u16, ordered sequence u16, flags u8) followed by the body (type id u8,
 * fields). Pure and stateless: decoding either returns every message or throws, so a bad
 * datagram changes nothing.
 */
public final class DatagramCodec {
    private DatagramCodec() {
    }

    /** Transport header bytes. */
    public static final int HEADER = 5;
    /** Flag bit 0: ordered channel. */
    public static final int FLAG_ORDERED = 1;
    /** Flag bit 1: reliable (acked). */
    public static final int FLAG_RELIABLE = 2;
    /** Flag bit 2: a reliable message sent again (its ack says so, which makes the round trip unambiguous). */
    public static final int FLAG_RESENT = 4;

    /** One decoded message. */
    public record Message(int messageId, int sequence, int flags, Record body) {
        public boolean reliable() {
            return (flags & FLAG_RELIABLE) != 0;
        }

        public boolean ordered() {
            return (flags & FLAG_ORDERED) != 0;
        }

        public boolean resent() {
            return (flags & FLAG_RESENT) != 0;
        }
    }

    /** Writes one message's header and body. */
    public static void put(ByteBuffer out, int messageId, int sequence, int flags, byte[] body) {
        out.putShort((short) messageId).putShort((short) sequence).put((byte) flags).put(body);
    }

    /**
     * Every message of {@code datagram} (position to limit), or the first reason it is not a valid
     * datagram: longer than {@code mtu}, empty, a truncated header or field, flags other than
     * 0 (unreliable, sequence 0), 2 (reliable, sequence 0) and 3 (ordered, sequence 1..65535),
     * each of the last two possibly with {@link #FLAG_RESENT} (6, 7),
     * an unknown type id, a field the wire does not allow (bool not 0/1, invalid UTF-8).
     */
    public static List<Message> decode(ByteBuffer datagram, TypeTable types, int mtu) throws MalformedDatagramException {
        int length = datagram.remaining();
        if (length > mtu) {
            throw new MalformedDatagramException("datagram of " + length + " bytes exceeds the MTU " + mtu);
        }
        if (length == 0) {
            throw new MalformedDatagramException("empty datagram");
        }
        ByteBuffer in = datagram.slice();
        List<Message> out = new ArrayList<>(4);
        while (in.hasRemaining()) {
            if (in.remaining() < HEADER + 1) {
                throw new MalformedDatagramException("truncated message header: " + in.remaining() + " bytes");
            }
            int id = in.getShort() & 0xFFFF;
            int seq = in.getShort() & 0xFFFF;
            int flags = in.get() & 0xFF;
            switch (flags) {
                case 0, FLAG_RELIABLE, FLAG_RELIABLE | FLAG_RESENT -> {
                    if (seq != 0) {
                        throw new MalformedDatagramException("sequence " + seq + " on an unordered message");
                    }
                }
                case FLAG_RELIABLE | FLAG_ORDERED, FLAG_RELIABLE | FLAG_ORDERED | FLAG_RESENT -> {
                    if (seq == 0) {
                        throw new MalformedDatagramException("ordered message with sequence 0");
                    }
                }
                default -> throw new MalformedDatagramException("flags " + flags);
            }
            int type = in.get() & 0xFF;
            RecordCodec codec = types.byId(type);
            if (codec == null) {
                throw new MalformedDatagramException("unknown message type " + type);
            }
            out.add(new Message(id, seq, flags, codec.decode(in)));
        }
        return out;
    }
}
