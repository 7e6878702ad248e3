package io.iperf3j.internal.engine;

import io.iperf3j.Direction;
import io.iperf3j.Transport;
import io.iperf3j.internal.engine.tcp.ReadWindow;
import io.iperf3j.internal.engine.tcp.TcpStream;
import io.iperf3j.sys.FlowLabelledTcp;
import io.iperf3j.sys.MultipathTcp;
import io.iperf3j.sys.NativeSocket;
import io.iperf3j.sys.NativeSocketException;
import io.iperf3j.sys.TcpReceiver;
import io.iperf3j.sys.TcpSender;
import io.iperf3j.sys.ZeroCopyPayload;
import io.iperf3j.internal.options.IperfOptions;
import io.iperf3j.internal.output.TestReporter;
import io.iperf3j.internal.protocol.Cookie;
import io.iperf3j.internal.protocol.ErrorCode;
import io.iperf3j.internal.protocol.IperfException;
import io.iperf3j.internal.stats.StreamRecord;
import io.iperf3j.internal.stats.TestRecord;

import java.io.IOException;
import java.lang.foreign.Arena;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.StandardProtocolFamily;
import java.net.StandardSocketOptions;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.SocketChannel;
import java.util.concurrent.ThreadLocalRandom;

/**
 * Creates TCP data streams with the socket options a test asks for, in the order
 * iperf3 applies them (buffers and MSS before connecting, congestion control and
 * TOS after), on the client side ({@link #connectTcp}) and the server side
 * ({@link #acceptedTcp}).
 */
public final class StreamFactory {
    private final IperfOptions local;
    private final Runnable wakeTest;

    public StreamFactory(IperfOptions local, Runnable wakeTest) {
        this.local = local;
        this.wakeTest = wakeTest;
    }

    /** The client's block size: {@code -l}, else 128 KiB for TCP, the control MSS or 1460 for UDP. */
    int blockSize(int controlMss) {
        if (local.blockSize() > 0) {
            return local.blockSize();
        }
        if (local.protocol() == Transport.UDP) {
            return controlMss > 0 && controlMss <= 65507 ? controlMss : IperfOptions.DEFAULT_UDP_BLOCKSIZE;
        }
        return IperfOptions.DEFAULT_TCP_BLOCKSIZE;
    }

    /** Client: connects one TCP data stream, sends the cookie, and reports its buffers. */
    TcpStream connectTcp(InetSocketAddress server, Cookie cookie, int id, int socketNumber, Direction direction,
                         int cport, TestRecord rec, TransferBudget budget, TestReporter reporter) throws IperfException {
        SocketChannel ch = null;
        Prepared prepared = null;
        try {
            prepared = prepare(direction, rec, null);
            ch = SocketChannel.open(server.getAddress() instanceof Inet6Address
                    ? StandardProtocolFamily.INET6 : StandardProtocolFamily.INET);
            // -L: a fresh socket behind the channel, connected natively below (FlowLabelledTcp says why)
            NativeSocket labelled = local.flowLabel() > 0 ? takeOverForFlowLabel(ch, server, rec.mptcp) : null;
            if (rec.mptcp && labelled == null) {
                // -m: an MPTCP socket in the channel's place, before any option is set on it
                ch.bind(localEndpoint(cport));
                try {
                    MultipathTcp.replace(ch);
                } catch (NativeSocketException | UnsupportedOperationException e) {
                    throw new IperfException(ErrorCode.STREAM_CONNECT,
                            e instanceof NativeSocketException n ? n.errnoText() : e.getMessage());
                }
            }
            if (rec.window > 0) {
                ch.setOption(StandardSocketOptions.SO_RCVBUF, rec.window);
                ch.setOption(StandardSocketOptions.SO_SNDBUF, rec.window);
            }
            if (local.noDelay()) {
                ch.setOption(StandardSocketOptions.TCP_NODELAY, true);
            }
            // Read back before connecting, as iperf3 does (after connect Linux has
            // already auto-tuned the send buffer).
            int snd = SocketBuffers.sendBuffer(ch);
            int rcv = SocketBuffers.receiveBuffer(ch);
            reporter.onSocketBuffers(rec.window, snd, rcv);
            if (rec.window > 0 && (snd < rec.window || rcv < rec.window)) {
                throw new IperfException(ErrorCode.SET_BUF2);
            }
            boolean needsEarlyNative = local.mss() > 0 || local.bindDevice() != null || local.sndTimeoutMs() > 0
                    || local.fqRate() > 0;
            if (!rec.mptcp && labelled == null && (local.bindAddress() != null || cport > 0 || needsEarlyNative)) {
                ch.bind(localEndpoint(cport));
            }
            NativeSocket nat = labelled;
            if (needsEarlyNative) {
                if (nat == null) {
                    nat = NativeSocket.of(ch).orElseThrow(() -> new IperfException(ErrorCode.UNIMPLEMENTED));
                }
                applyEarlyOptions(nat);
            }
            if (labelled != null) {
                connectWithFlowLabel(labelled, server, cport);
            } else {
                ch.connect(server);
            }
            ch.write(ByteBuffer.wrap(cookie.wireBytes()));
            if (nat == null) {
                nat = NativeSocket.of(ch).orElse(null);
            }
            applyCongestion(nat, rec, true);
            if (rec.tos > 0) {
                ch.setOption(StandardSocketOptions.IP_TOS, rec.tos);
            }
            return build(ch, nat, labelled != null, id, socketNumber, direction, prepared, budget, null);
        } catch (IperfException | RuntimeException e) {
            closeQuietly(ch);
            release(prepared);
            throw e;
        } catch (IOException e) {
            closeQuietly(ch);
            release(prepared);
            throw new IperfException(ErrorCode.STREAM_CONNECT, IoErrno.describe(e), e);
        }
    }

    /** {@code -L}: as iperf3's {@code iperf_tcp_connect}, only towards an IPv6 server; else "unable to set IPv6 flow label". */
    private static NativeSocket takeOverForFlowLabel(SocketChannel ch, InetSocketAddress server, boolean mptcp)
            throws IperfException, IOException {
        if (!(server.getAddress() instanceof Inet6Address) || !NativeSocket.available()) {
            throw new IperfException(ErrorCode.SET_FLOW);
        }
        try {
            return FlowLabelledTcp.takeOver(ch, mptcp);
        } catch (NativeSocketException e) {
            throw new IperfException(mptcp ? ErrorCode.STREAM_CONNECT : ErrorCode.SET_FLOW, e.errnoText());
        }
    }

    private void connectWithFlowLabel(NativeSocket socket, InetSocketAddress server, int cport) throws IperfException,
            IOException {
        InetSocketAddress bindTo = local.bindAddress() != null || cport > 0 ? localEndpoint(cport) : null;
        try {
            FlowLabelledTcp.connect(socket, bindTo, server, local.flowLabel(), local.connectTimeoutMs());
        } catch (NativeSocketException e) {
            boolean labelStep = e.operation().startsWith("setsockopt(IPV6_FLOW");
            throw new IperfException(labelStep ? ErrorCode.SET_FLOW : ErrorCode.STREAM_CONNECT, e.errnoText());
        }
    }

    /** Where a client's data socket binds: {@code -B}'s address (else the wildcard) and {@code cport} (0: any). */
    private InetSocketAddress localEndpoint(int cport) throws IOException {
        InetAddress address = local.bindAddress() != null ? InetAddress.getByName(local.bindAddress()) : null;
        return new InetSocketAddress(address, cport);
    }

    /**
     * Server: turns an accepted data connection (cookie already read) into a stream.
     *
     * @param share the test's {@code --total-rate} share, or null: a sender is paced to it, a
     *        receiver reads at it (read pacing) with its receive buffer following the share × the
     *        connection's RTT ({@link ReadWindow})
     */
    public TcpStream acceptedTcp(SocketChannel ch, int id, int socketNumber, Direction direction, TestRecord rec,
                          TransferBudget budget, RateShare share) throws IperfException {
        Prepared prepared = null;
        try {
            if (rec.window > 0) {
                // iperf3 sets these on a re-created listener so accepted sockets inherit
                // them; one listener serves many tests here, so they go on the socket.
                ch.setOption(StandardSocketOptions.SO_RCVBUF, rec.window);
                ch.setOption(StandardSocketOptions.SO_SNDBUF, rec.window);
            }
            if (rec.noDelayRequested) {
                ch.setOption(StandardSocketOptions.TCP_NODELAY, true);
            }
            NativeSocket nat = NativeSocket.of(ch).orElse(null);
            applyUserTimeout(nat, local.sndTimeoutMs());
            if (nat != null && rec.mssRequested > 0) {
                try {
                    nat.setTcpMaxSeg(rec.mssRequested);
                } catch (RuntimeException e) {
                    // MSS on an established socket only caps what we send; failing to set it is not fatal
                }
            }
            applyCongestion(nat, rec, false);
            if (rec.tos > 0) {
                ch.setOption(StandardSocketOptions.IP_TOS, rec.tos);
            }
            // A read-paced receiver's buffer follows the share and the path's RTT (it takes effect
            // after accept; the window scale was agreed at the SYN).
            ReadWindow window = share != null && direction == Direction.RECEIVER
                    ? ReadWindow.accepted(ch, nat, share, rec.window) : null;
            prepared = prepare(direction, rec, share);
            return build(ch, nat, false, id, socketNumber, direction, prepared, budget, window);
        } catch (IperfException | RuntimeException e) {
            release(prepared);
            throw e;
        } catch (IOException e) {
            closeQuietly(ch);
            release(prepared);
            throw new IperfException(ErrorCode.STREAM_ACCEPT, IoErrno.describe(e), e);
        }
    }

    /** Gives back what {@link #prepare} made for a stream that was not built (null: nothing was made). */
    private static void release(Prepared prepared) {
        if (prepared != null) {
            prepared.release();
        }
    }

    /**
     * Payload buffer (in its own arena), zero-copy file and pacer: made before connecting, so
     * nothing slow runs once the peer's clock may be running. Owned by the factory until a
     * stream is built from it, then by the stream; {@link #release()} on every path that builds none.
     */
    private record Prepared(Arena memory, ByteBuffer buffer, FileChannel zeroCopy, ZeroCopyPayload zeroCopyPayload,
                            Pacer pacer, boolean skipCopy, boolean wakePerBlock) {
        void release() {
            closeQuietly(zeroCopy);
            if (zeroCopyPayload != null) {
                zeroCopyPayload.close();
            }
            memory.close();
        }
    }

    private static Prepared prepare(Direction direction, TestRecord rec, RateShare share) throws IOException {
        boolean sending = direction == Direction.SENDER;
        Arena memory = Arena.ofShared();
        try {
            ByteBuffer buffer = Payload.buffer(memory, rec.blockSize, rec.repeatingPayload,
                    ThreadLocalRandom.current().nextLong());
            // The stream sends the blocks due within --pacing-timer, then sleeps until the next is (Pacer).
            Pacer pacer = share != null || (sending && rec.targetBitrate > 0)
                    ? new Pacer(sending ? rec.targetBitrate : 0, sending ? rec.burst : 0, share, rec.pacingTimer)
                    : null;
            // -Z: a nameless file sent with one sendfile per block; without FFM, a temporary file. Made
            // last, so nothing above can fail with a descriptor open.
            ZeroCopyPayload zeroCopyPayload = sending && rec.zeroCopy
                    ? ZeroCopyPayload.of(buffer, Payload.temporaryFolder()).orElse(null) : null;
            FileChannel zeroCopy = sending && rec.zeroCopy && zeroCopyPayload == null
                    ? Payload.zeroCopySource(buffer) : null;
            return new Prepared(memory, buffer, zeroCopy, zeroCopyPayload, pacer, !sending && rec.skipRxCopy,
                    wakesPerBlock(direction, rec, share));
        } catch (IOException | RuntimeException e) {
            memory.close();
            throw e;
        }
    }

    /**
     * Whether a stream's receiver sets the receive low-water mark ({@code SO_RCVLOWAT} of a block,
     * {@code tcp.ReceiveLowWater}) and so wakes once per block: when its peer paces the sending
     * ({@code -b}, which the server has from the test's parameters and a {@code -R} or {@code --bidir}
     * client from its own options), and when the test is one stream in one direction; never with
     * {@code -w} (a fixed buffer a mark could fill) nor with a read pacer ({@code --total-rate}, whose
     * {@code ReadWindow} sizes the buffer).
     *
     * <p>Paced, segments arrive in bursts smaller than a block and each woke the reader: with the mark
     * a server receiving {@code -b 5G} took 0.015–0.019 CPU s per Gbit instead of 0.029–0.032 (stop 62).
     * One unpaced stream is the same: its reader has a core of its own and keeps up, so without the mark
     * it is woken per burst; with it a loopback pair moved 26.6 Gbit/s against 22.1 (8 rounds × 4 s)
     * and took 0.056 CPU s per Gbit against 0.063 (5 × 10 s; iperf3 3.21 0.062).
     * With more streams than that, unpaced, the readers share the cores with the senders, are behind
     * and find whole blocks queued anyway, so the mark saves no wake-up and only makes the kernel
     * acknowledge at once while more than a segment is unread: twice the pure ACKs per GB, paid in the
     * sending thread, which on a 2-core loopback with four streams cost {@code -P 4} 0.83× against
     * 0.95× 3.21's rate, {@code --bidir} 0.83× against 0.96× and {@code -P 4 -R} 0.77× against 0.84×
     * (issue 68; docs/design/cpu-per-bit.md, "Many streams on two cores" and "One unpaced stream").
     * Fast-path ACKs per GB with {@code -P 4}: 12–33 with the mark, 100–238 without it, 210–324 for
     * iperf3 3.21.
     */
    static boolean wakesPerBlock(Direction direction, TestRecord rec, RateShare share) {
        return direction == Direction.RECEIVER && rec.window == 0 && share == null
                && (rec.targetBitrate > 0 || (rec.parallel == 1 && !rec.bidirectional));
    }

    /**
     * @param addressesFromSocket the channel's own addresses are not its socket's (-L): ask the kernel
     * @param window a read-paced receiver's buffer, or null
     */
    private TcpStream build(SocketChannel ch, NativeSocket nat, boolean addressesFromSocket, int id, int socketNumber,
                            Direction direction, Prepared prepared, TransferBudget budget, ReadWindow window)
            throws IOException, IperfException {
        TcpReceiver receiver = null;
        if (prepared.skipCopy()) {
            // iperf3 3.21 built without MSG_TRUNC refuses the option with this message
            receiver = (nat == null ? java.util.Optional.<TcpReceiver>empty()
                    : TcpReceiver.skippingCopy(nat, prepared.buffer()))
                    .orElseThrow(() -> new IperfException(ErrorCode.SKIP_RX_COPY_UNSUPPORTED));
        } else if (direction == Direction.RECEIVER && nat != null) {
            // Without FFM (no native socket) the stream reads through its channel; where the wait's bound
            // cannot be set, through the descriptor without waiting in recv.
            receiver = TcpReceiver.copyingAndWaiting(nat, prepared.buffer(), TcpStream.MAX_RECEIVE_WAIT_MS)
                    .or(() -> TcpReceiver.copying(nat, prepared.buffer())).orElse(null);
        }
        InetSocketAddress la = addressesFromSocket ? nat.localAddress().orElseThrow()
                : (InetSocketAddress) ch.getLocalAddress();
        InetSocketAddress ra = addressesFromSocket ? nat.remoteAddress().orElseThrow()
                : (InetSocketAddress) ch.getRemoteAddress();
        StreamRecord record = new StreamRecord(id, socketNumber, direction,
                AddressText.of(la), la.getPort(), AddressText.of(ra), ra.getPort());
        ZeroCopyPayload zeroCopyPayload = prepared.zeroCopyPayload();
        FileChannel zeroCopy = prepared.zeroCopy();
        if (zeroCopyPayload != null && nat == null) {
            // No descriptor to sendfile to (FFM found no socket): the temporary file, sent by the channel.
            zeroCopyPayload.close();
            zeroCopyPayload = null;
            zeroCopy = Payload.zeroCopySource(prepared.buffer());
        }
        // A sender writes through the descriptor where FFM can (TcpSender); -Z sends its file instead.
        TcpSender sender = direction == Direction.SENDER && nat != null && zeroCopyPayload == null && zeroCopy == null
                ? TcpSender.of(nat, prepared.buffer()).orElse(null) : null;
        return new TcpStream(record, wakeTest, ch, prepared.buffer(), zeroCopy, zeroCopyPayload, prepared.pacer(), window,
                budget, nat, receiver, sender, prepared.wakePerBlock(), prepared.memory());
    }

    private void applyEarlyOptions(NativeSocket nat) throws IperfException {
        if (local.mss() > 0) {
            setOrFail(() -> nat.setTcpMaxSeg(local.mss()), ErrorCode.SET_MSS);
        }
        if (local.bindDevice() != null) {
            setOrFail(() -> nat.setBindToDevice(local.bindDevice()), ErrorCode.BIND_DEV);
        }
        applyUserTimeout(nat, local.sndTimeoutMs());
        if (local.fqRate() > 0) {
            setOrFail(() -> nat.setMaxPacingRate(local.fqRate() / 8), ErrorCode.SET_PACING);
        }
    }

    /** Runs a native setter; its failure becomes iperf3's error for that option, with the system's reason. */
    private static void setOrFail(Runnable setter, ErrorCode code) throws IperfException {
        try {
            setter.run();
        } catch (NativeSocketException e) {
            throw new IperfException(code, e.errnoText()); // iperf3 appends strerror only
        } catch (RuntimeException e) {
            throw new IperfException(code, e.getMessage());
        }
    }

    /**
     * {@code --snd-timeout}: TCP_USER_TIMEOUT, which iperf3 sets on the control and
     * TCP data sockets of either side.
     */
    public static void applyUserTimeout(NativeSocket nat, int timeoutMs) throws IperfException {
        if (timeoutMs <= 0) {
            return;
        }
        if (nat == null) {
            throw new IperfException(ErrorCode.UNIMPLEMENTED, "--snd-timeout");
        }
        setOrFail(() -> nat.setUserTimeout(timeoutMs), ErrorCode.SET_USER_TIMEOUT);
    }

    /** {@code -C}: set it if asked, then read back what the socket uses ({@code congestion_used}). */
    private static void applyCongestion(NativeSocket nat, TestRecord rec, boolean client) throws IperfException {
        if (rec.congestionRequested != null) {
            if (nat == null) {
                throw new IperfException(ErrorCode.UNIMPLEMENTED);
            }
            try {
                nat.setCongestion(rec.congestionRequested);
            } catch (RuntimeException e) {
                if (client) {
                    throw new IperfException(ErrorCode.SET_CONGESTION);
                }
                // A 3.12 server only warns when the algorithm is missing; it then uses its default.
            }
        }
        if (nat != null && rec.congestionUsed == null) {
            rec.congestionUsed = nat.congestion().orElse(null);
        }
    }

    public static void closeQuietly(java.nio.channels.Channel ch) {
        if (ch != null) {
            try {
                ch.close();
            } catch (IOException ignored) {
                // nothing more to do
            }
        }
    }
}
