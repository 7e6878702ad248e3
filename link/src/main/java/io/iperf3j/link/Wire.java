package io.iperf3j.link;

import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * Wire types of message fields, for record components whose Java type alone does not say it.
 * Without an annotation: {@code int} is int32, {@code double} float64, {@code boolean} bool
 * (one byte 0/1), {@code String} a length-prefixed UTF-8 string (uint16 byte count, then the
 * bytes). The fields go on the wire in the record's component order.
 */
public final class Wire {
    private Wire() {
    }

    /** An {@code int} component sent as one unsigned byte (0..255, checked at send). */
    @Retention(RetentionPolicy.RUNTIME)
    @Target(ElementType.RECORD_COMPONENT)
    public @interface U8 {
    }

    /** An {@code int} component sent as an unsigned 16-bit integer (0..65535, checked at send). */
    @Retention(RetentionPolicy.RUNTIME)
    @Target(ElementType.RECORD_COMPONENT)
    public @interface U16 {
    }

    /**
     * A {@code String} component sent as exactly {@code value()} bytes of UTF-8, NUL-padded (legume's
     * {@code string N}); longer strings and strings containing NUL are refused at send.
     */
    @Retention(RetentionPolicy.RUNTIME)
    @Target(ElementType.RECORD_COMPONENT)
    public @interface Fixed {
        int value();
    }
}
