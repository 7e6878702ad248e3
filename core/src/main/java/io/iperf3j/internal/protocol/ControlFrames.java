package io.iperf3j.internal.protocol;

import io.iperf3j.internal.json.CJsonWriter;
import io.iperf3j.internal.json.JsonObject;
import io.iperf3j.internal.json.MalformedJsonException;
import io.iperf3j.internal.json.PeerJson;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;

/**
 * Encoding and incremental decoding of control-connection frames: a state byte,
 * a big-endian int32, or a JSON message (unsigned 32-bit big-endian length, then
 * that many bytes of UTF-8 JSON). Pure functions over buffers, no I/O, so they can
 * be fuzzed on their own.
 *
 * <p>Each {@code tryRead...} method looks at a buffer in read mode. When a whole
 * frame is there it consumes it and returns it; otherwise it leaves the buffer's
 * position unchanged and returns {@code null} / {@link #NEED_MORE}.
 */
public final class ControlFrames {
    /** Returned by {@link #tryReadState} and {@link #tryReadInt32} when the buffer holds too few bytes. */
    public static final long NEED_MORE = Long.MIN_VALUE;

    /**
     * Longest parameter message accepted, as upstream iperf3 3.18+ (8 KiB).
     * Parameters are a few hundred bytes; a title or extra data of several KiB still fits.
     */
    public static final int MAX_PARAMETERS_LENGTH = 8 * 1024;

    /**
     * Longest results message accepted. Results can carry the server's whole text
     * or JSON output ({@code --get-server-output}), so the cap is generous but bounded.
     */
    public static final int MAX_RESULTS_LENGTH = 16 * 1024 * 1024;

    private static final CJsonWriter WIRE_WRITER = CJsonWriter.standard();

    private ControlFrames() {
    }

    /** The next state byte as a signed value (-128..127), or {@link #NEED_MORE}. */
    public static long tryReadState(ByteBuffer in) {
        if (!in.hasRemaining()) {
            return NEED_MORE;
        }
        return in.get();
    }

    /** The next big-endian int32, or {@link #NEED_MORE}. */
    public static long tryReadInt32(ByteBuffer in) {
        if (in.remaining() < 4) {
            return NEED_MORE;
        }
        return in.getInt();
    }

    /**
     * The length announced by the JSON frame at the buffer's position, or -1 when
     * fewer than four bytes are there. Does not consume anything.
     */
    public static long peekJsonLength(ByteBuffer in) {
        if (in.remaining() < 4) {
            return -1;
        }
        return Integer.toUnsignedLong(in.getInt(in.position()));
    }

    /**
     * Decodes the next JSON frame.
     *
     * @param maxLength the longest body accepted; a longer announced length fails at
     *        once, before any body byte is buffered, so a hostile prefix costs nothing
     * @return the object, or null when the frame is not complete yet
     * @throws MalformedFrameException when the announced length is 0 or above
     *         {@code maxLength}, or the body is not a JSON object within the limits
     */
    public static JsonObject tryReadJson(ByteBuffer in, int maxLength) throws MalformedFrameException {
        long length = peekJsonLength(in);
        if (length < 0) {
            return null;
        }
        if (length == 0) {
            throw new MalformedFrameException("empty JSON message");
        }
        if (length > maxLength) {
            throw new MalformedFrameException("JSON message length " + length + " exceeds the limit of " + maxLength + " bytes");
        }
        if (in.remaining() < 4 + length) {
            return null;
        }
        int bodyStart = in.position() + 4;
        int bodyLength = (int) length;
        // Results may carry the server's whole output in one string; the frame cap bounds it.
        PeerJson.Limits limits = PeerJson.Limits.DEFAULT.withMaxDocumentLength(maxLength).withMaxStringLength(maxLength);
        JsonObject result;
        try {
            if (in.hasArray()) {
                result = PeerJson.parseObject(in.array(), in.arrayOffset() + bodyStart, bodyLength, limits);
            } else {
                byte[] body = new byte[bodyLength];
                in.get(bodyStart, body);
                result = PeerJson.parseObject(body, 0, bodyLength, limits);
            }
        } catch (MalformedJsonException e) {
            in.position(bodyStart + bodyLength); // the frame is consumed either way
            throw new MalformedFrameException(e.getMessage(), e);
        }
        in.position(bodyStart + bodyLength);
        return result;
    }

    /** A state frame ready to write. */
    public static ByteBuffer encodeState(ControlState state) {
        return ByteBuffer.wrap(new byte[] {state.wireByte()});
    }

    /** A JSON frame (length prefix and compact body) ready to write. */
    public static ByteBuffer encodeJson(JsonObject object) {
        byte[] body = WIRE_WRITER.compact(object).getBytes(StandardCharsets.UTF_8);
        ByteBuffer b = ByteBuffer.allocate(4 + body.length);
        b.putInt(body.length).put(body).flip();
        return b;
    }

    /** A SERVER_ERROR frame: the state byte, then iperf3's error number and a system errno, both big-endian int32. */
    public static ByteBuffer encodeServerError(int ierrno, int errno) {
        ByteBuffer b = ByteBuffer.allocate(9);
        b.put(ControlState.SERVER_ERROR.wireByte()).putInt(ierrno).putInt(errno).flip();
        return b;
    }
}
