package io.iperf3j.link.internal;

import io.iperf3j.link.Wire;

import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodHandles;
import java.lang.reflect.Constructor;
import java.lang.reflect.RecordComponent;
import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * Encodes and decodes one message type: a type id byte, then the record's components in
 * declaration order (big-endian). Built once per registered type; stateless afterwards, so any
 * thread may use it.
 *
 * <p>Why not a serialization library (Kryo, protobuf, Jackson binary): the wire is legume's fixed
 * layout, which none of them writes, and the whole codec is a few field kinds.
 */
public final class RecordCodec {
    /** Wire kinds of a field. */
    enum Kind {
        INT32, UINT16, UINT8, FLOAT64, BOOL, FIXED, VARSTRING
    }

    private record Field(String name, Kind kind, int fixedLength, MethodHandle getter) {
    }

    private final int typeId;
    private final String name;
    private final Class<? extends Record> type;
    private final Field[] fields;
    private final MethodHandle constructor;
    private final Record empty;

    private RecordCodec(int typeId, String name, Class<? extends Record> type, Field[] fields, MethodHandle constructor,
                        Record empty) {
        this.typeId = typeId;
        this.name = name;
        this.type = type;
        this.fields = fields;
        this.constructor = constructor;
        this.empty = empty;
    }

    /** Builds the codec of {@code type}; refuses component types the wire cannot carry. */
    public static RecordCodec of(int typeId, String name, Class<? extends Record> type) {
        RecordComponent[] comps = type.getRecordComponents();
        if (comps == null) {
            throw new IllegalArgumentException(type.getName() + " is not a record");
        }
        Field[] fields = new Field[comps.length];
        Class<?>[] params = new Class<?>[comps.length];
        try {
            for (int i = 0; i < comps.length; i++) {
                RecordComponent c = comps[i];
                params[i] = c.getType();
                Kind kind;
                int fixed = 0;
                if (c.getType() == int.class) {
                    kind = c.isAnnotationPresent(Wire.U8.class) ? Kind.UINT8
                            : c.isAnnotationPresent(Wire.U16.class) ? Kind.UINT16 : Kind.INT32;
                } else if (c.getType() == double.class) {
                    kind = Kind.FLOAT64;
                } else if (c.getType() == boolean.class) {
                    kind = Kind.BOOL;
                } else if (c.getType() == String.class) {
                    Wire.Fixed f = c.getAnnotation(Wire.Fixed.class);
                    if (f != null) {
                        if (f.value() < 1 || f.value() > 65535) {
                            throw new IllegalArgumentException(type.getName() + "." + c.getName()
                                    + ": @Fixed length must be 1..65535: " + f.value());
                        }
                        kind = Kind.FIXED;
                        fixed = f.value();
                    } else {
                        kind = Kind.VARSTRING;
                    }
                } else {
                    throw new IllegalArgumentException(type.getName() + "." + c.getName() + " has type "
                            + c.getType().getName() + "; a message field is int (int32, @Wire.U16, @Wire.U8), double, "
                            + "boolean or String (length-prefixed, or @Wire.Fixed(n))");
                }
                var accessor = c.getAccessor();
                accessor.setAccessible(true);
                fields[i] = new Field(c.getName(), kind, fixed, MethodHandles.lookup().unreflect(accessor));
            }
            Constructor<? extends Record> ctor = type.getDeclaredConstructor(params);
            ctor.setAccessible(true);
            MethodHandle mh = MethodHandles.lookup().unreflectConstructor(ctor);
            Record empty = comps.length == 0 ? (Record) mh.invoke() : null;
            return new RecordCodec(typeId, name, type, fields, mh, empty);
        } catch (IllegalArgumentException e) {
            throw e;
        } catch (Throwable e) {
            throw new IllegalArgumentException("cannot use " + type.getName() + " as a message: " + e, e);
        }
    }

    public int typeId() {
        return typeId;
    }

    public String name() {
        return name;
    }

    public Class<? extends Record> type() {
        return type;
    }

    /**
     * The message's body (type id byte + fields). Refuses values the wire cannot carry (range,
     * NUL in a fixed string, null) and bodies longer than {@code maxBody} with a message that says
     * how big the message is and what fits.
     */
    public byte[] encode(Record message, int maxBody) {
        Object[] values = new Object[fields.length];
        byte[][] strings = new byte[fields.length][];
        int size = 1;
        for (int i = 0; i < fields.length; i++) {
            Field f = fields[i];
            Object v;
            try {
                v = f.getter.invoke(message);
            } catch (Throwable t) {
                throw new IllegalStateException("reading " + name + "." + f.name + ": " + t, t);
            }
            values[i] = v;
            size += switch (f.kind) {
                case INT32 -> 4;
                case UINT16 -> {
                    range(f, (int) v, 65535);
                    yield 2;
                }
                case UINT8 -> {
                    range(f, (int) v, 255);
                    yield 1;
                }
                case FLOAT64 -> 8;
                case BOOL -> 1;
                case FIXED -> {
                    strings[i] = utf8(f, v);
                    if (strings[i].length > f.fixedLength) {
                        throw new IllegalArgumentException(name + "." + f.name + " is " + strings[i].length
                                + " bytes of UTF-8; the field holds " + f.fixedLength);
                    }
                    for (byte b : strings[i]) {
                        if (b == 0) {
                            throw new IllegalArgumentException(name + "." + f.name + " contains NUL, which a fixed string cannot carry");
                        }
                    }
                    yield f.fixedLength;
                }
                case VARSTRING -> {
                    strings[i] = utf8(f, v);
                    if (strings[i].length > 65535) {
                        throw new MessageTooLargeException(name + "." + f.name + " is " + strings[i].length
                                + " bytes of UTF-8; a string field holds at most 65535");
                    }
                    yield 2 + strings[i].length;
                }
            };
        }
        if (size > maxBody) {
            throw new MessageTooLargeException("message " + name + " (type " + typeId + ") is " + (size + DatagramCodec.HEADER)
                    + " bytes with its " + DatagramCodec.HEADER + "-byte transport header; a datagram holds at most "
                    + (maxBody + DatagramCodec.HEADER) + " (MTU), and messages are never split");
        }
        ByteBuffer out = ByteBuffer.allocate(size);
        out.put((byte) typeId);
        for (int i = 0; i < fields.length; i++) {
            Object v = values[i];
            switch (fields[i].kind) {
                case INT32 -> out.putInt((int) v);
                case UINT16 -> out.putShort((short) (int) v);
                case UINT8 -> out.put((byte) (int) v);
                case FLOAT64 -> out.putDouble((double) v);
                case BOOL -> out.put((byte) ((boolean) v ? 1 : 0));
                case FIXED -> {
                    out.put(strings[i]);
                    out.put(new byte[fields[i].fixedLength - strings[i].length]);
                }
                case VARSTRING -> {
                    out.putShort((short) strings[i].length);
                    out.put(strings[i]);
                }
            }
        }
        return out.array();
    }

    private void range(Field f, int v, int max) {
        if (v < 0 || v > max) {
            throw new IllegalArgumentException(name + "." + f.name + " = " + v + " is outside 0.." + max);
        }
    }

    private byte[] utf8(Field f, Object v) {
        if (v == null) {
            throw new IllegalArgumentException(name + "." + f.name + " is null");
        }
        try {
            ByteBuffer b = StandardCharsets.UTF_8.newEncoder().onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT).encode(CharBuffer.wrap((String) v));
            byte[] out = new byte[b.remaining()];
            b.get(out);
            return out;
        } catch (CharacterCodingException e) {
            throw new IllegalArgumentException(name + "." + f.name + " is not valid Unicode (lone surrogate)");
        }
    }

    /** Reads the fields (the type id byte already read) from {@code in}. */
    public Record decode(ByteBuffer in) throws MalformedDatagramException {
        if (empty != null) {
            return empty;
        }
        Object[] args = new Object[fields.length];
        for (int i = 0; i < fields.length; i++) {
            Field f = fields[i];
            args[i] = switch (f.kind) {
                case INT32 -> {
                    need(in, 4, f);
                    yield in.getInt();
                }
                case UINT16 -> {
                    need(in, 2, f);
                    yield in.getShort() & 0xFFFF;
                }
                case UINT8 -> {
                    need(in, 1, f);
                    yield in.get() & 0xFF;
                }
                case FLOAT64 -> {
                    need(in, 8, f);
                    yield in.getDouble();
                }
                case BOOL -> {
                    need(in, 1, f);
                    byte b = in.get();
                    if (b != 0 && b != 1) {
                        throw new MalformedDatagramException(name + "." + f.name + ": bool byte " + b);
                    }
                    yield b == 1;
                }
                case FIXED -> {
                    need(in, f.fixedLength, f);
                    byte[] b = new byte[f.fixedLength];
                    in.get(b);
                    int end = b.length;
                    while (end > 0 && b[end - 1] == 0) {
                        end--;
                    }
                    for (int k = 0; k < end; k++) {
                        if (b[k] == 0) {
                            throw new MalformedDatagramException(name + "." + f.name + ": NUL inside a fixed string");
                        }
                    }
                    yield text(Arrays.copyOf(b, end), f);
                }
                case VARSTRING -> {
                    need(in, 2, f);
                    int n = in.getShort() & 0xFFFF;
                    need(in, n, f);
                    byte[] b = new byte[n];
                    in.get(b);
                    yield text(b, f);
                }
            };
        }
        try {
            return (Record) constructor.invokeWithArguments(args);
        } catch (Throwable t) {
            // A record's own constructor may refuse values (its invariants): the datagram is malformed.
            throw new MalformedDatagramException(name + " refused its fields: " + t);
        }
    }

    private void need(ByteBuffer in, int n, Field f) throws MalformedDatagramException {
        if (in.remaining() < n) {
            throw new MalformedDatagramException(name + "." + f.name + ": needs " + n + " bytes, " + in.remaining() + " left");
        }
    }

    private String text(byte[] b, Field f) throws MalformedDatagramException {
        try {
            return StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT).decode(ByteBuffer.wrap(b)).toString();
        } catch (CharacterCodingException e) {
            throw new MalformedDatagramException(name + "." + f.name + ": not UTF-8");
        }
    }
}
