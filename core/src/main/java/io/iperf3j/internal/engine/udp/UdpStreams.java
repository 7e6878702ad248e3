package io.iperf3j.internal.engine.udp;

import io.iperf3j.Direction;
import io.iperf3j.internal.engine.AddressText;
import io.iperf3j.internal.engine.IoErrno;
import io.iperf3j.internal.engine.Pacer;
import io.iperf3j.internal.engine.RateShare;
import io.iperf3j.internal.engine.Payload;
import io.iperf3j.internal.engine.SocketBuffers;
import io.iperf3j.internal.engine.StreamFactory;
import io.iperf3j.internal.engine.TransferBudget;
import io.iperf3j.sys.NativeSocket;
import io.iperf3j.internal.options.IperfOptions;
import io.iperf3j.internal.output.TestPrinter;
import io.iperf3j.internal.output.TestReporter;
import io.iperf3j.internal.protocol.ErrorCode;
import io.iperf3j.internal.protocol.IperfException;
import io.iperf3j.internal.stats.StreamRecord;
import io.iperf3j.internal.stats.TestRecord;
import io.iperf3j.internal.udp.UdpHandshake;

import java.io.IOException;
import java.lang.foreign.Arena;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.StandardProtocolFamily;
import java.net.StandardSocketOptions;
import java.nio.ByteBuffer;
import java.nio.channels.DatagramChannel;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;

/**
 * Sets up UDP data streams as iperf3 3.12 does: the client's
 * {@code iperf_udp_connect} (socket, buffer check, the 4-byte handshake) and the
 * server's half of {@code iperf_udp_accept} once {@link UdpStreamRouter} has given
 * it a socket connected to the client (buffer check, reply).
 */
public final class UdpStreams {
    /** iperf3's {@code UDP_BUFFER_EXTRA}: an automatically enlarged buffer is {@code len + 1024}. */
    static final int BUFFER_EXTRA = 1024;
    /** The client's SO_RCVTIMEO while it waits for the reply. */
    static final long REPLY_TIMEOUT_NANOS = TimeUnit.SECONDS.toNanos(30);
    /** How long the wait for the reply sleeps at most before it looks for a signal (the test's cancel). */
    private static final long CANCEL_POLL_MS = 50;
    /** In reverse mode 3.12 lets this many datagrams' worth of data arrive before the reply. */
    static final int MAX_REVERSE_OUT_OF_ORDER_PACKETS = 2;

    private UdpStreams() {
    }

    /** What the client prints about the datagram size before it sends its parameters ({@code iperf_connect}). */
    public static void clientBlockSizeNotes(IperfOptions local, TestRecord rec, int blockSize, TestPrinter printer) {
        boolean text = !local.json() && !local.jsonStream();
        if (local.blockSize() <= 0 && local.verbose() && text) {
            printer.plain("Setting UDP block size to " + blockSize + "\n");
        }
        if (rec.controlMss > 0 && blockSize > rec.controlMss) {
            printer.warning("UDP block size " + blockSize + " exceeds TCP MSS " + rec.controlMss
                    + ", may result in fragmentation / drops");
        }
    }

    // ------------------------------------------------------------ client

    /**
     * Client: opens one UDP stream to the server port and completes the handshake.
     *
     * @param cancelled whether the test was cancelled (a signal): the wait for the reply ends at once
     *        with {@link ErrorCode#CLIENT_TERM}
     */
    public static UdpStream connect(IperfOptions local, InetSocketAddress server, int id, int socketNumber,
                             Direction direction, int cport, TestRecord rec, TransferBudget budget,
                             TestReporter reporter, TestPrinter printer, Runnable wakeTest, BooleanSupplier cancelled)
            throws IperfException {
        DatagramChannel ch = null;
        Arena memory = Arena.ofShared(); // the stream's from build() on; closed here on every other path
        try {
            boolean sending = direction == Direction.SENDER;
            ByteBuffer buffer = buffer(memory, rec, sending);
            Pacer pacer = pacer(rec, sending);
            ch = DatagramChannel.open(server.getAddress() instanceof Inet6Address
                    ? StandardProtocolFamily.INET6 : StandardProtocolFamily.INET);
            if (local.bindAddress() != null || cport > 0 || local.bindDevice() != null) {
                InetAddress bindTo = local.bindAddress() != null ? InetAddress.getByName(local.bindAddress()) : null;
                ch.bind(new InetSocketAddress(bindTo, cport));
                if (local.bindDevice() != null) {
                    nativeOf(ch).setBindToDevice(local.bindDevice());
                }
            }
            ch.connect(server);
            enlargeReceiveBuffer(ch, rec, sending);
            checkBuffers(ch, rec, reporter, printer, textOutput(local));
            applyEarlyOptions(ch, rec, local.fqRate(), printer);
            handshake(ch, !sending, rec.blockSize, cancelled, REPLY_TIMEOUT_NANOS);
            applyTos(ch, rec);
            return build(ch, id, socketNumber, direction, rec, buffer, pacer, budget, wakeTest, memory);
        } catch (IperfException e) {
            StreamFactory.closeQuietly(ch);
            memory.close();
            throw e;
        } catch (IOException | RuntimeException e) {
            StreamFactory.closeQuietly(ch);
            memory.close();
            throw new IperfException(ErrorCode.STREAM_CONNECT, IoErrno.describe(e), e);
        }
    }

    /**
     * Sends the connect message and waits for the reply. In reverse mode data may
     * overtake the reply (3.12 allows {@code 4 + 2 * len} bytes of it, counting each
     * datagram as the 4 bytes its {@code recv} reads); other datagrams are ignored.
     *
     * <p>iperf3 waits in {@code recv} with a 30 s SO_RCVTIMEO, which a signal interrupts at once, and then
     * says only "Resource temporarily unavailable". Here the wait looks for {@code cancelled} every
     * {@value #CANCEL_POLL_MS} ms ({@link ErrorCode#CLIENT_TERM}: the caller ends the test as on any
     * signal), and a reply that never comes names the path (issue 46): the control connection worked,
     * so what is missing is most likely UDP.
     */
    static void handshake(DatagramChannel ch, boolean reverse, int blockSize, BooleanSupplier cancelled,
                          long timeoutNanos) throws IperfException {
        try {
            ch.configureBlocking(true);
            ch.write(ByteBuffer.wrap(UdpHandshake.connectMessage()));
        } catch (IOException e) {
            throw new IperfException(ErrorCode.STREAM_WRITE, IoErrno.describe(e), e);
        }
        long allowance = UdpHandshake.SIZE + (reverse ? (long) MAX_REVERSE_OUT_OF_ORDER_PACKETS * blockSize : 0);
        ByteBuffer in = ByteBuffer.allocate(Math.max(UdpHandshake.SIZE, blockSize));
        long deadline = System.nanoTime() + timeoutNanos;
        try (Selector selector = Selector.open()) {
            ch.configureBlocking(false);
            ch.register(selector, SelectionKey.OP_READ);
            while (true) {
                in.clear();
                int n = ch.read(in);
                if (n == 0) {
                    if (cancelled.getAsBoolean()) {
                        throw new IperfException(ErrorCode.CLIENT_TERM);
                    }
                    long left = deadline - System.nanoTime();
                    if (left <= 0) {
                        throw new IperfException(ErrorCode.STREAM_READ, noReply(ch, timeoutNanos));
                    }
                    selector.select(Math.max(1, Math.min(CANCEL_POLL_MS, TimeUnit.NANOSECONDS.toMillis(left))));
                    selector.selectedKeys().clear();
                    continue;
                }
                if (n >= UdpHandshake.SIZE && UdpHandshake.isReply(in.getInt(0))) {
                    break;
                }
                allowance -= UdpHandshake.SIZE;
                if (allowance <= 0) {
                    throw new IperfException(ErrorCode.STREAM_READ, "unexpected datagram instead of the UDP connect reply");
                }
            }
        } catch (IOException e) {
            throw new IperfException(ErrorCode.STREAM_READ, IoErrno.describe(e), e);
        }
        try {
            ch.configureBlocking(true); // the selector is closed, so the key is gone
        } catch (IOException e) {
            throw new IperfException(ErrorCode.STREAM_READ, IoErrno.describe(e), e);
        }
    }

    /** The reply that never came, with the server's address, e.g. {@code 192.0.2.1:5201}. */
    private static String noReply(DatagramChannel ch, long timeoutNanos) {
        String where;
        try {
            InetSocketAddress peer = (InetSocketAddress) ch.getRemoteAddress();
            String host = AddressText.of(peer.getAddress());
            where = (host.indexOf(':') >= 0 ? "[" + host + "]" : host) + ":" + peer.getPort();
        } catch (IOException | RuntimeException e) {
            where = "the server";
        }
        return "no answer to the UDP stream's first datagram from " + where + " within "
                + TimeUnit.NANOSECONDS.toSeconds(timeoutNanos) + " s: is UDP blocked on the path?";
    }

    // ------------------------------------------------------------ server

    /**
     * Server: a socket bound to the server port and connected to the client (made by
     * {@link UdpStreamRouter} when the connect datagram came) becomes a stream: buffer
     * check, the reply, TOS.
     *
     * @param share the test's {@code --total-rate} share, or null; a sending stream is paced to it
     */
    public static UdpStream accepted(DatagramChannel ch, int id, int socketNumber, Direction direction, TestRecord rec,
                              TransferBudget budget, TestReporter reporter, TestPrinter printer, boolean textOutput,
                              Runnable wakeTest, RateShare share) throws IperfException {
        Arena memory = Arena.ofShared(); // the stream's from build() on; closed here on every other path
        try {
            boolean sending = direction == Direction.SENDER;
            ByteBuffer buffer = buffer(memory, rec, sending);
            // A UDP receiver is not paced: the datagrams have crossed the link already (the
            // server polices a UDP upload instead, docs/design/public-server.md 3.4).
            Pacer pacer = share != null && sending ? new Pacer(rec.targetBitrate, rec.burst, share)
                    : pacer(rec, sending);
            enlargeReceiveBuffer(ch, rec, sending);
            checkBuffers(ch, rec, reporter, printer, textOutput);
            applyEarlyOptions(ch, rec, 0, printer);
            ch.configureBlocking(true);
            ch.write(ByteBuffer.wrap(UdpHandshake.replyMessage()));
            applyTos(ch, rec);
            return build(ch, id, socketNumber, direction, rec, buffer, pacer, budget, wakeTest, memory);
        } catch (IperfException e) {
            StreamFactory.closeQuietly(ch);
            memory.close();
            throw e;
        } catch (IOException | RuntimeException e) {
            StreamFactory.closeQuietly(ch);
            memory.close();
            throw new IperfException(ErrorCode.STREAM_ACCEPT, IoErrno.describe(e), e);
        }
    }

    // ------------------------------------------------------------ common

    private static boolean textOutput(IperfOptions o) {
        return !o.json() && !o.jsonStream();
    }

    /** The datagram buffer: payload (random or {@code 0123456789...}) for a sender, blank for a receiver. */
    private static ByteBuffer buffer(Arena memory, TestRecord rec, boolean sending) {
        if (sending) {
            return Payload.buffer(memory, rec.blockSize, rec.repeatingPayload, ThreadLocalRandom.current().nextLong());
        }
        return Payload.aligned(memory, rec.blockSize);
    }

    private static Pacer pacer(TestRecord rec, boolean sending) {
        return sending && rec.targetBitrate > 0 ? new Pacer(rec.targetBitrate, rec.burst) : null;
    }

    /**
     * A receiving stream without {@code -w}: asks for {@link UdpIo#receiveBuffer()} bytes
     * (the kernel caps it at {@code net.core.rmem_max}), before the check reads the
     * sizes back, so {@code rcvbuf_actual} shows what the socket has.
     */
    private static void enlargeReceiveBuffer(DatagramChannel ch, TestRecord rec, boolean sending) throws IOException {
        int size = UdpIo.receiveBuffer();
        if (!sending && rec.window == 0 && size > 0 && size > SocketBuffers.receiveBuffer(ch)) {
            ch.setOption(StandardSocketOptions.SO_RCVBUF, size);
        }
    }

    /**
     * iperf3's {@code iperf_udp_buffercheck}, and the retry with {@code len + 1024}
     * when the default buffers are smaller than a datagram. Every check adds the
     * {@code sock_bufsize}/{@code sndbuf_actual}/{@code rcvbuf_actual} keys to the JSON
     * start, so an enlarged socket reports them twice, as 3.12 does. The enlarged
     * size becomes the test's {@code -w} for its later streams, as in 3.12.
     */
    static void checkBuffers(DatagramChannel ch, TestRecord rec, TestReporter reporter, TestPrinter printer,
                             boolean textOutput) throws IperfException {
        boolean tooSmall = checkBuffersOnce(ch, rec, reporter, printer);
        if (tooSmall && rec.window == 0) {
            int size = rec.blockSize + BUFFER_EXTRA;
            if (textOutput) {
                printer.plain("Increasing socket buffer size to " + size + "\n");
            }
            rec.window = size;
            checkBuffersOnce(ch, rec, reporter, printer);
        }
    }

    private static boolean checkBuffersOnce(DatagramChannel ch, TestRecord rec, TestReporter reporter,
                                            TestPrinter printer) throws IperfException {
        int snd;
        int rcv;
        try {
            if (rec.window > 0) {
                ch.setOption(StandardSocketOptions.SO_RCVBUF, rec.window);
                ch.setOption(StandardSocketOptions.SO_SNDBUF, rec.window);
            }
        } catch (IOException e) {
            throw new IperfException(ErrorCode.SET_BUF, IoErrno.describe(e), e);
        }
        try {
            snd = SocketBuffers.sendBuffer(ch);
            rcv = SocketBuffers.receiveBuffer(ch);
        } catch (IOException e) {
            throw new IperfException(ErrorCode.SET_BUF, IoErrno.describe(e), e);
        }
        boolean tooSmall = false;
        if (rec.window > 0 && rec.window > snd) {
            throw new IperfException(ErrorCode.SET_BUF2);
        }
        if (rec.blockSize > snd) {
            printer.warning("Block size " + rec.blockSize + " > sending socket buffer size " + snd);
            tooSmall = true;
        }
        if (rec.window > 0 && rec.window > rcv) {
            throw new IperfException(ErrorCode.SET_BUF2);
        }
        if (rec.blockSize > rcv) {
            printer.warning("Block size " + rec.blockSize + " > receiving socket buffer size " + rcv);
            tooSmall = true;
        }
        reporter.onSocketBuffers(rec.window, snd, rcv);
        return tooSmall;
    }

    /** {@code --fq-rate} (client only, best effort as in 3.12) and {@code --dont-fragment}. */
    private static void applyEarlyOptions(DatagramChannel ch, TestRecord rec, long fqRate, TestPrinter printer)
            throws IperfException {
        if (fqRate > 0) {
            try {
                nativeOf(ch).setMaxPacingRate(fqRate / 8);
            } catch (RuntimeException | IperfException e) {
                printer.warning("Unable to set socket pacing");
            }
        }
        if (rec.dontFragment) {
            try {
                nativeOf(ch).setDontFragment();
            } catch (RuntimeException e) {
                throw new IperfException(ErrorCode.UNIMPLEMENTED, e.getMessage());
            }
        }
    }

    private static NativeSocket nativeOf(DatagramChannel ch) throws IperfException {
        return NativeSocket.of(ch).orElseThrow(() -> new IperfException(ErrorCode.UNIMPLEMENTED));
    }

    private static void applyTos(DatagramChannel ch, TestRecord rec) throws IperfException {
        if (rec.tos > 0) {
            try {
                ch.setOption(StandardSocketOptions.IP_TOS, rec.tos);
            } catch (IOException e) {
                throw new IperfException(ErrorCode.SET_TOS, IoErrno.describe(e), e);
            }
        }
    }

    private static UdpStream build(DatagramChannel ch, int id, int socketNumber, Direction direction, TestRecord rec,
                                   ByteBuffer buffer, Pacer pacer, TransferBudget budget, Runnable wakeTest,
                                   Arena memory)
            throws IOException {
        InetSocketAddress la = (InetSocketAddress) ch.getLocalAddress();
        InetSocketAddress ra = (InetSocketAddress) ch.getRemoteAddress();
        StreamRecord record = new StreamRecord(id, socketNumber, direction,
                AddressText.of(la), la.getPort(), AddressText.of(ra), ra.getPort());
        // --gsro (3.21's gso/gro parameters): offload in this stream's direction whatever the default
        boolean offload = direction == Direction.SENDER ? rec.gso : rec.gro;
        return new UdpStream(record, wakeTest, ch, buffer, rec.udpCounters64, pacer, budget, offload,
                rec.targetBitrate, memory);
    }
}
