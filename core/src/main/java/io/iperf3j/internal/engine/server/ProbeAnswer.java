package io.iperf3j.internal.engine.server;

import io.iperf3j.RttResponder;
import io.iperf3j.internal.engine.udp.UdpStreamRouter;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.util.function.Consumer;

/**
 * One test's answer to its client's latency probe ({@code --latency}, docs/design/latency.md):
 * the router offers the probe on its UDP acceptor thread (under the router's monitor), this
 * answers it from a socket of its own until the test ends. One answer per test; a probe that
 * cannot be answered is only logged (debug); none is answered after {@link #close()}.
 */
final class ProbeAnswer implements UdpStreamRouter.ProbeSink {
    /** The local address to answer from: the test's control connection's. */
    interface LocalAddress {
        InetSocketAddress get() throws IOException;
    }

    private final RttResponder responder;
    private final LocalAddress local;
    private final Consumer<String> debug;
    private final Object lock = new Object();
    /** The probe being answered (guarded by {@link #lock}); {@link #ended} once the test is over. */
    private RttResponder.Answering answering;
    private boolean ended;

    ProbeAnswer(RttResponder responder, LocalAddress local, Consumer<String> debug) {
        this.responder = responder;
        this.local = local;
        this.debug = debug;
    }

    @Override
    public boolean isProbeRequest(ByteBuffer datagram) {
        return responder.isProbeRequest(datagram);
    }

    /** The client's latency probe arrived (UDP acceptor thread): answer it until the test ends. */
    @Override
    public void offerProbe(InetSocketAddress client) {
        synchronized (lock) {
            if (ended || answering != null) {
                return;
            }
            try {
                answering = responder.answer(local.get(), client);
            } catch (IOException | RuntimeException e) {
                debug.accept("latency probe from " + client + " not answered: " + e);
            }
        }
    }

    /** The test is over: stop answering, answer no more. */
    void close() {
        synchronized (lock) {
            ended = true;
            if (answering != null) {
                answering.close();
                answering = null;
            }
        }
    }
}
