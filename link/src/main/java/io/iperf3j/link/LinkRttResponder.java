package io.iperf3j.link;

import io.iperf3j.RttResponder;
import io.iperf3j.link.internal.DatagramCodec;
import io.iperf3j.link.internal.MalformedDatagramException;
import io.iperf3j.link.internal.SystemMessages;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.util.List;

/**
 * Core's {@link RttResponder} made of the link's {@link ProbeResponder}: what {@code iperf3j -s} answers
 * {@link LinkRttProbe}s with, one connected {@link ProbeResponder} per probing test. A probe opens with
 * a link ConnectRequest (7 bytes, this wire's protocol version); each answerer serves that one client
 * (peer bound 1), answers at most {@link LinkConfig#pongsPerSecond()} pings a second with pongs of the
 * ping's size, and sends nothing bigger than the request before the client confirms its address, so
 * a spoofed probe amplifies nothing. Threads: {@link #isProbeRequest} is pure; an answerer runs on the
 * link's background thread.
 */
public final class LinkRttResponder implements RttResponder {
    /**
     * The link's message table, made at the first datagram a server asks about: its records' annotations are
     * read by reflection (~17 ms of a server's start, docs/design/cpu-per-bit.md, stop 95), which a server that
     * never sees a UDP datagram need not pay.
     */
    private static final class Types {
        static final MessageTypes NONE = MessageTypes.none();
    }

    private final LinkConfig config;

    /** With the link's defaults: 1000 pongs/s and a burst of 100 per client, 10 s timeout. */
    public LinkRttResponder() {
        this(LinkConfig.defaults());
    }

    public LinkRttResponder(LinkConfig config) {
        this.config = config;
    }

    @Override
    public boolean isProbeRequest(ByteBuffer datagram) {
        try {
            List<DatagramCodec.Message> messages = DatagramCodec.decode(datagram, Types.NONE.table(), LinkConfig.MTU);
            if (messages.isEmpty()) {
                return false;
            }
            for (DatagramCodec.Message m : messages) {
                if (!(m.body() instanceof SystemMessages.ConnectRequest r) || r.protocol() != LinkConfig.PROTOCOL_VERSION) {
                    return false;
                }
            }
            return true;
        } catch (MalformedDatagramException | RuntimeException e) {
            return false;
        }
    }

    @Override
    public Answering answer(InetSocketAddress local, InetSocketAddress client) throws IOException {
        ProbeResponder r = ProbeResponder.answerOne(local, client, config);
        return r::close;
    }
}
