package io.iperf3j.fuzz;

import io.iperf3j.IperfInterval;
import io.iperf3j.IperfJsonLimits;
import io.iperf3j.IperfJsonRead;
import io.iperf3j.IperfJsonReader;
import io.iperf3j.IperfRun;
import io.iperf3j.internal.json.JsonObject;
import io.iperf3j.sys.AncillaryData;
import io.iperf3j.sys.MalformedNetlinkException;
import io.iperf3j.sys.QdiscMessages;
import io.iperf3j.sys.QdiscStats;
import io.iperf3j.internal.json.MalformedJsonException;
import io.iperf3j.internal.json.PeerJson;
import io.iperf3j.internal.protocol.ControlFrames;
import io.iperf3j.internal.protocol.IperfException;
import io.iperf3j.internal.protocol.MalformedFrameException;
import io.iperf3j.internal.protocol.TestParameters;
import io.iperf3j.internal.protocol.TestResults;
import io.iperf3j.internal.udp.UdpHandshake;
import io.iperf3j.internal.udp.UdpHeader;
import io.iperf3j.internal.udp.UdpReceiverStats;

import java.lang.foreign.MemorySegment;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;

/**
 * The fuzz targets: plain static methods over {@code byte[]}, so that Jazzer's
 * {@code @FuzzTest}s ({@link ControlReaderFuzzTest}) and the seeded random run of
 * every build ({@link FuzzSmokeTest}) drive the same code. Each target may reject
 * its input only in the documented way (the decoder's own exception types);
 * anything else (a RuntimeException, an Error, a broken invariant) is a finding.
 */
final class FuzzTargets {
    private FuzzTargets() {
    }

    /**
     * The control-message reader as the server uses it: the bytes arrive in chunks
     * (sizes taken from the input), and the reader decodes what the server expects
     * in turn: the parameter JSON (8 KiB cap), state bytes, int32s, a results JSON.
     * Checks that an incomplete frame consumes nothing and that the announced cap is
     * enforced before any body byte is buffered.
     */
    static void controlReader(byte[] data) {
        if (data.length == 0) {
            return;
        }
        int chunk = 1 + (data[0] & 0x3F);
        ByteBuffer stream = ByteBuffer.wrap(data, 1, data.length - 1).slice();
        ByteBuffer buf = ByteBuffer.allocate(data.length + 8);
        int phase = 0;
        while (stream.hasRemaining() || buf.position() > 0) {
            int take = Math.min(chunk, stream.remaining());
            byte[] part = new byte[take];
            stream.get(part);
            buf.put(part);
            buf.flip();
            boolean progress = true;
            try {
                while (progress && buf.hasRemaining()) {
                    int before = buf.position();
                    switch (phase % 4) {
                        case 0 -> {
                            long announced = ControlFrames.peekJsonLength(buf);
                            JsonObject j = ControlFrames.tryReadJson(buf, ControlFrames.MAX_PARAMETERS_LENGTH);
                            if (j == null) {
                                check(buf.position() == before, "an incomplete frame consumed bytes");
                                check(announced < 0 || announced <= ControlFrames.MAX_PARAMETERS_LENGTH,
                                        "a frame above the cap was not refused");
                                progress = false;
                            } else {
                                check(buf.position() == before + 4 + announced, "a frame consumed the wrong length");
                                parametersOf(j);
                                phase++;
                            }
                        }
                        case 1 -> {
                            long s = ControlFrames.tryReadState(buf);
                            check(s != ControlFrames.NEED_MORE && s >= -128 && s <= 127, "state byte out of range");
                            phase++;
                        }
                        case 2 -> {
                            long v = ControlFrames.tryReadInt32(buf);
                            if (v == ControlFrames.NEED_MORE) {
                                check(buf.position() == before, "a short int32 consumed bytes");
                                progress = false;
                            } else {
                                check(v >= Integer.MIN_VALUE && v <= Integer.MAX_VALUE, "int32 out of range");
                                phase++;
                            }
                        }
                        default -> {
                            JsonObject j = ControlFrames.tryReadJson(buf, 64 * 1024);
                            if (j == null) {
                                progress = false;
                            } else {
                                resultsOf(j);
                                phase++;
                            }
                        }
                    }
                }
            } catch (MalformedFrameException e) {
                return; // the server ends this test: iperf3's error for a bad frame
            }
            buf.compact();
            if (!stream.hasRemaining()) {
                return; // what is left is an incomplete frame the peer never finished
            }
        }
    }

    /** The parameter decoder over arbitrary bytes taken as a JSON document. */
    static void parameters(byte[] data) {
        JsonObject j;
        try {
            j = PeerJson.parseObject(data, 0, data.length,
                    PeerJson.Limits.DEFAULT.withMaxDocumentLength(ControlFrames.MAX_PARAMETERS_LENGTH));
        } catch (MalformedJsonException e) {
            return;
        }
        parametersOf(j);
    }

    /**
     * The parameter decoder over structured objects: keys from iperf3's parameter
     * names (and a few others), values of every JSON type, chosen by the input. This
     * reaches the type and range checks far more often than raw bytes do.
     */
    static void parametersStructured(byte[] data) {
        if (data.length == 0) {
            return;
        }
        Bytes in = new Bytes(data);
        StringBuilder sb = new StringBuilder("{");
        int members = in.next() % 24;
        for (int i = 0; i < members && in.more(); i++) {
            if (i > 0) {
                sb.append(',');
            }
            sb.append('"').append(KEYS[in.next() % KEYS.length]).append("\":");
            appendValue(sb, in);
        }
        sb.append('}');
        byte[] json = sb.toString().getBytes(StandardCharsets.UTF_8);
        JsonObject j;
        try {
            j = PeerJson.parseObject(json, 0, json.length, PeerJson.Limits.DEFAULT);
        } catch (MalformedJsonException e) {
            throw new AssertionError("the generator wrote invalid JSON: " + sb, e);
        }
        parametersOf(j);
    }

    private static final String[] KEYS = {"tcp", "udp", "sctp", "omit", "server_affinity", "time", "num", "blockcount",
            "MSS", "nodelay", "parallel", "reverse", "bidirectional", "window", "len", "bandwidth", "fqrate",
            "pacing_timer", "burst", "TOS", "flowlabel", "title", "extra_data", "congestion", "get_server_output",
            "udp_counters_64bit", "repeating_payload", "zerocopy", "dont_fragment", "authtoken", "client_version",
            "gso", "gso_dg_size", "gso_bf_size", "gro", "gro_bf_size", "mptcp", "skip_rx_copy", "unknown"};

    private static void appendValue(StringBuilder sb, Bytes in) {
        switch (in.next() % 10) {
            case 0 -> sb.append("true");
            case 1 -> sb.append("false");
            case 2 -> sb.append("null");
            case 3 -> sb.append(in.nextLong() % 1000);
            case 4 -> sb.append(in.nextLong());
            case 5 -> sb.append(Long.toUnsignedString(in.nextLong()));
            case 6 -> {
                double d = Double.longBitsToDouble(in.nextLong());
                sb.append(Double.isFinite(d) ? Double.toString(d) : "1.5");
            }
            case 7 -> sb.append('"').append(Integer.toHexString(in.next())).append('"');
            case 8 -> sb.append("[").append(in.next()).append("]");
            default -> sb.append("{\"x\":").append(in.next()).append('}');
        }
    }

    private static void parametersOf(JsonObject j) {
        TestParameters p;
        try {
            p = TestParameters.fromJson(j);
        } catch (IperfException e) {
            check(e.code() != null, "refusal without a code");
            return;
        }
        check(p.parallel() >= 1 && p.parallel() <= 128, "parallel out of range: " + p.parallel());
        check(p.time() >= 0 && p.time() <= 86400, "time out of range");
        check(p.omit() >= 0 && p.omit() <= 600, "omit out of range");
        check(p.len() >= 0 && p.len() <= (p.udp() ? 65507 : 1024 * 1024), "len out of range");
        check(p.num() >= 0 && p.blockcount() >= 0 && p.bandwidth() >= 0 && p.window() >= 0, "negative size");
        check(!(p.reverse() && p.bidirectional()), "reverse and bidir");
        // What we accept we can write back and read again; after one trip (which fills in
        // defaults such as client_version) the parameters are stable.
        try {
            TestParameters once = TestParameters.fromJson(p.toJson());
            TestParameters twice = TestParameters.fromJson(once.toJson());
            check(once.equals(twice), "round trip changed the parameters: " + once + " -> " + twice);
        } catch (IperfException e) {
            throw new AssertionError("accepted parameters do not round-trip: " + p, e);
        }
    }

    private static void resultsOf(JsonObject j) {
        try {
            TestResults.fromJson(j);
        } catch (IperfException e) {
            check(e.code() != null, "refusal without a code");
        }
    }

    /**
     * UDP datagrams as the server meets them: the stream receiver reads the header of
     * any datagram at least a header long (and counts the rest as bytes only); the
     * UDP acceptor takes exactly 4 bytes as a connect message; the client checks the
     * reply. The input is a flag byte (64-bit counters) and length-prefixed datagrams.
     */
    static void udpDatagrams(byte[] data) {
        if (data.length == 0) {
            return;
        }
        boolean counters64 = (data[0] & 1) != 0;
        int header = UdpHeader.size(counters64);
        UdpReceiverStats stats = new UdpReceiverStats();
        long arrival = 1_000_000;
        int pos = 1;
        while (pos < data.length) {
            int len = Math.min(data[pos++] & 0xFF, data.length - pos);
            ByteBuffer datagram = ByteBuffer.wrap(data, pos, len).slice();
            pos += len;
            arrival += 37;
            if (len == UdpHandshake.SIZE) {
                UdpHandshake.isReply(datagram.getInt(0));
            }
            if (len >= header) {
                // (No monotonic check on the packet count: a sequence number at the top of the
                // unsigned range wraps "next" to 0, in iperf3's C as here.)
                stats.onPacket(UdpHeader.sequence(datagram, counters64), UdpHeader.sentMicros(datagram), arrival);
            }
            check(Double.isFinite(stats.jitter()) && stats.jitter() >= 0, "jitter not finite: " + stats.jitter());
            check(stats.outOfOrder() >= 0, "negative out-of-order count");
        }
    }

    /**
     * The ancillary-data decoders of batched UDP receives and of link's time-stamping
     * socket ({@link AncillaryData}) over
     * arbitrary bytes taken as a {@code msg_control} buffer: the first byte gives the
     * offset (0-7, so unaligned headers too) and whether the announced length is the
     * buffer's or a larger one (a kernel length is never trusted past the buffer). Both
     * values must match a plain reference walk of the same bytes and stay in range.
     */
    static void ancillaryData(byte[] data) {
        if (data.length == 0) {
            return;
        }
        int offset = Math.min(data[0] & 7, data.length - 1);
        long length = (data[0] & 8) != 0 ? (data.length - 1 - offset) + ((data[0] & 0xF0) << 4) : data.length - 1 - offset;
        byte[] control = java.util.Arrays.copyOfRange(data, 1, data.length);
        MemorySegment seg = MemorySegment.ofArray(control);
        int gro = AncillaryData.groSegmentSize(seg, offset, length);
        long time = AncillaryData.receiveTimeNanos(seg, offset, length);
        check(gro >= 0 && gro <= 0xFFFF, "segment size out of range: " + gro);
        check(time == AncillaryData.NO_TIME || time >= 0, "negative receive time: " + time);
        check(gro == referenceSegmentSize(control, offset, length), "segment size differs from the reference walk");
        check(time == referenceTime(control, offset, length), "receive time differs from the reference walk");
        // link's port's decoders (StampedUdpSocket): never throw, never out of range
        long stamp = AncillaryData.timestampingNanos(seg, offset, length);
        long key = AncillaryData.errQueueKey(seg, offset, length);
        check(stamp == AncillaryData.NO_TIME || stamp > 0, "non-positive SO_TIMESTAMPING time: " + stamp);
        check(key >= -1 && key <= 0xFFFF_FFFFL, "error-queue key out of range: " + key);
    }

    /**
     * The decoder of a qdisc dump's reply datagram ({@link QdiscMessages}, read by {@code --why}'s
     * {@link QdiscStats}) over arbitrary bytes: the first byte picks the interface (1-8), the rest is
     * the datagram, whose first message's sequence number is taken as the request's (so mutations get
     * past that check and a changed one in a later message is refused). It may only decode or throw
     * {@link MalformedNetlinkException}; what it decodes is in range, and the same bytes at another
     * offset of a larger buffer, with other bytes after the limit, decode the same.
     */
    static void qdiscMessages(byte[] data) {
        if (data.length == 0) {
            return;
        }
        int ifindex = 1 + (data[0] & 7);
        ByteBuffer datagram = ByteBuffer.wrap(data, 1, data.length - 1).slice().order(java.nio.ByteOrder.nativeOrder());
        int seq = datagram.remaining() >= 12 ? datagram.getInt(8) : 0;
        String first = qdiscOutcome(datagram, seq, ifindex);
        check(datagram.position() == 0 && datagram.limit() == data.length - 1, "the buffer was moved");
        byte[] larger = new byte[data.length + 6];
        java.util.Arrays.fill(larger, (byte) 0x5A);
        System.arraycopy(data, 1, larger, 3, data.length - 1);
        ByteBuffer shifted = ByteBuffer.wrap(larger).position(3).limit(3 + data.length - 1);
        check(first.equals(qdiscOutcome(shifted, seq, ifindex)), "another offset decoded differently");
    }

    private static String qdiscOutcome(ByteBuffer datagram, int seq, int ifindex) {
        QdiscMessages.Reply r;
        try {
            r = QdiscMessages.parse(datagram, seq, ifindex);
        } catch (MalformedNetlinkException e) {
            check(e.getMessage() != null, "a refusal without a message");
            return "malformed";
        }
        check(r.messages() >= 0 && r.messages() <= datagram.remaining() / 16, "message count out of range");
        check(r.errno() >= 0 && r.errno() <= 4095 && (r.errno() == 0 || r.done()), "errno out of range");
        r.root().ifPresent(q -> {
            check(q.ifindex() == ifindex, "another interface's qdisc");
            check(q.kind().matches("[!-~]{1,15}"), "kind out of range: " + q.kind());
            check(q.rateBitsPerSecond().isEmpty() || q.kind().equals("tbf") || q.kind().equals("fq"),
                    "a rate for " + q.kind());
            check(q.rateBitsPerSecond().orElse(0) % 8 == 0, "a rate not in whole bytes/s");
        });
        return r.toString();
    }

    /** CMSG_FIRSTHDR/CMSG_NXTHDR over little-endian bytes, written out plainly: the data offset or -1. */
    private static int referenceFind(byte[] c, int offset, long length, int level, int type, int minData) {
        ByteBuffer b = ByteBuffer.wrap(c).order(java.nio.ByteOrder.LITTLE_ENDIAN);
        long end = Math.min((long) offset + Math.max(0, length), c.length);
        int at = offset;
        while (at + 16 <= end) {
            long len = b.getLong(at);
            if (len < 16 || len > end - at) {
                return -1;
            }
            if (b.getInt(at + 8) == level && b.getInt(at + 12) == type) {
                return len - 16 >= minData ? at + 16 : -1;
            }
            at += (int) ((len + 7) / 8 * 8);
        }
        return -1;
    }

    private static int referenceSegmentSize(byte[] c, int offset, long length) {
        int d = referenceFind(c, offset, length, 17, 104, 4); // SOL_UDP, UDP_GRO
        if (d < 0) {
            return 0;
        }
        int v = ByteBuffer.wrap(c).order(java.nio.ByteOrder.LITTLE_ENDIAN).getInt(d);
        return v >= 1 && v <= 65535 ? v : 0;
    }

    private static long referenceTime(byte[] c, int offset, long length) {
        int d = referenceFind(c, offset, length, 1, 35, 16); // SOL_SOCKET, SCM_TIMESTAMPNS
        if (d < 0) {
            return AncillaryData.NO_TIME;
        }
        ByteBuffer b = ByteBuffer.wrap(c).order(java.nio.ByteOrder.LITTLE_ENDIAN);
        long sec = b.getLong(d);
        long nsec = b.getLong(d + 8);
        if (sec < 0 || nsec < 0 || nsec > 999_999_999L) {
            return AncillaryData.NO_TIME;
        }
        java.math.BigInteger t = java.math.BigInteger.valueOf(sec).multiply(java.math.BigInteger.valueOf(1_000_000_000L))
                .add(java.math.BigInteger.valueOf(nsec));
        // Out of range when the time would not fit a long with a second to spare.
        return t.compareTo(java.math.BigInteger.valueOf((Long.MAX_VALUE / 1_000_000_000L - 1) * 1_000_000_000L
                + 999_999_999L)) > 0 ? AncillaryData.NO_TIME : t.longValueExact();
    }

    /**
     * A token's RSA block through {@link io.iperf3j.internal.auth.TokenBlock}, against the plain reading
     * ({@link io.iperf3j.testing.TokenBlockReference}): byte 0 picks the accepted padding (either, OAEP,
     * PKCS#1 v1.5) and how the block is made, from byte 1 on: as it is (padded with zeros to at least 42
     * bytes, cut at 512), or the rest as a message in OAEP or PKCS#1 v1.5 padding (a 128- or 256-byte
     * block; the seed or padding bytes taken from the input's hash) with one byte of the block then set
     * to one the input names, or not. Both must say the same (credentials and padding, or nothing), and
     * nothing may throw.
     */
    static void tokenBlock(byte[] data) {
        if (data.length < 2) {
            return;
        }
        io.iperf3j.internal.options.IperfOptions.RsaPadding accepted =
                io.iperf3j.internal.options.IperfOptions.RsaPadding.values()[(data[0] & 0xFF) % 3];
        int shape = (data[0] & 0xFF) / 3 % 3;
        int k = (data[0] & 0x80) == 0 ? 128 : 256;
        byte[] rest = java.util.Arrays.copyOfRange(data, 1, data.length);
        byte[] block;
        if (shape == 0) {
            block = java.util.Arrays.copyOf(rest, Math.min(512, Math.max(io.iperf3j.internal.auth.TokenBlock.MIN_LENGTH, rest.length)));
        } else {
            // the last three input bytes (when there are four or more) say which byte to change and to what
            boolean change = rest.length >= 4 && (rest[rest.length - 3] & 1) == 1;
            int at = change ? ((rest[rest.length - 2] & 0xFF) * 7) % k : 0;
            byte to = change ? rest[rest.length - 1] : 0;
            byte[] message = change ? java.util.Arrays.copyOf(rest, rest.length - 3) : rest;
            java.util.SplittableRandom r = new java.util.SplittableRandom(java.util.Arrays.hashCode(data));
            if (shape == 1) {
                message = java.util.Arrays.copyOf(message, Math.min(message.length, k - 42));
                byte[] seed = new byte[20];
                r.nextBytes(seed);
                block = io.iperf3j.testing.TokenBlockReference.oaepBlock(0, seed,
                        io.iperf3j.testing.TokenBlockReference.oaepDataBlock(message, k));
            } else {
                message = java.util.Arrays.copyOf(message, Math.min(message.length, k - 11));
                byte[] ps = new byte[k - 3 - message.length];
                for (int i = 0; i < ps.length; i++) {
                    ps[i] = (byte) (1 + r.nextInt(255));
                }
                block = io.iperf3j.testing.TokenBlockReference.pkcs1Block(2, ps, message);
            }
            if (change) {
                block[at] = to;
            }
        }
        io.iperf3j.internal.auth.TokenBlock.Opened got = io.iperf3j.internal.auth.TokenBlock.open(block.clone(), accepted);
        io.iperf3j.internal.auth.TokenBlock.Opened want = io.iperf3j.testing.TokenBlockReference.open(block, accepted);
        check(java.util.Objects.equals(got, want), "opened " + got + ", the plain reading " + want);
    }

    /** Tiny limits, so that every OVER_LIMIT path is reached by small inputs. */
    private static final IperfJsonLimits TINY = new IperfJsonLimits(4096, 2, 4, 3, 6, 64, 4);

    /**
     * iperf3's -J and --json-stream output through {@link IperfJsonReader}: the first byte picks the default or
     * tiny limits, the rest is the text. No exception at all; a read keeps its counts within the limits, its
     * interval metrics can be computed, and reading a String gives what reading a stream with a collecting sink
     * gives.
     */
    static void iperfJson(byte[] data) {
        if (data.length == 0) {
            return;
        }
        IperfJsonLimits limits = (data[0] & 1) == 0 ? IperfJsonLimits.DEFAULT : TINY;
        byte[] body = java.util.Arrays.copyOfRange(data, 1, data.length);
        String text = new String(body, StandardCharsets.UTF_8);
        IperfJsonRead read = IperfJsonReader.read(text, limits);
        if (read instanceof IperfJsonRead.Read r) {
            check(!r.runs().isEmpty() && r.runs().size() <= limits.maxRuns(), "runs outside 1..maxRuns");
            for (IperfRun run : r.runs()) {
                checkRun(run, limits);
                run.serverOutput().ifPresent(s -> checkRun(s, limits));
            }
        } else {
            IperfJsonRead.Rejected x = (IperfJsonRead.Rejected) read;
            check(x.message() != null && !x.message().isEmpty() && x.line() >= 0 && x.column() >= 0, "a bad rejection");
        }
        java.util.List<java.util.List<IperfInterval>> got = new java.util.ArrayList<>();
        IperfJsonRead streamed;
        try {
            streamed = IperfJsonReader.read(new java.io.ByteArrayInputStream(body), limits, (run, role, interval) -> {
                while (got.size() <= run) {
                    got.add(new java.util.ArrayList<>());
                }
                got.get(run).add(interval);
            });
        } catch (java.io.IOException e) {
            throw new AssertionError("a byte array cannot fail to be read", e);
        }
        if (read instanceof IperfJsonRead.Read r) {
            check(streamed instanceof IperfJsonRead.Read, "a stream read rejected what a String read accepted");
            java.util.List<IperfRun> runs = ((IperfJsonRead.Read) streamed).runs();
            check(runs.size() == r.runs().size(), "a stream read has other runs");
            for (int i = 0; i < runs.size(); i++) {
                IperfRun x = runs.get(i);
                IperfRun back = new IperfRun(x.format(), x.start(), i < got.size() ? got.get(i) : java.util.List.of(),
                        x.intervalCount(), x.summary(), x.latency(), x.error(), x.title(), x.extraData(), x.serverOutput(),
                        x.serverOutputText(), x.complete());
                check(back.equals(r.runs().get(i)), "a stream read gives another run");
            }
            check(((IperfJsonRead.Read) streamed).notes().equals(r.notes()), "a stream read gives other notes");
        } else {
            check(streamed.equals(read), "a stream read gives another rejection");
        }
    }

    private static void checkRun(IperfRun run, IperfJsonLimits limits) {
        check(run.intervalCount() >= 0 && run.intervalCount() <= limits.maxIntervals(), "interval count out of range");
        check(run.intervals().size() <= run.intervalCount(), "more intervals than counted");
        for (IperfInterval i : run.intervals()) {
            check(i.streams().size() <= limits.maxStreams(), "more streams than the limit");
            check(i.sum().bytes() >= 0, "negative bytes");
            i.sumBidirReverse().ifPresent(b -> check(b.bytes() >= 0, "negative bytes"));
        }
        run.summary().ifPresent(s -> check(s.sent().bytes() >= 0 && s.received().bytes() >= 0, "negative end bytes"));
        run.latency().ifPresent(l -> java.util.stream.Stream.of(l.idle(), l.loaded(), l.tail())
                .flatMap(java.util.Optional::stream)
                .forEach(p -> check(p.cdf().size() <= limits.maxCdfPoints(), "more CDF points than the limit")));
        check(run.intervalMetrics().size() >= run.intervals().size(), "fewer metrics than intervals");
        run.role();
        run.transport();
        run.bidir();
    }

    private static void check(boolean ok, String what) {
        if (!ok) {
            throw new AssertionError(what);
        }
    }

    /** Reads the input a byte or a long at a time, zeros once it runs out. */
    private static final class Bytes {
        private final byte[] b;
        private int i;

        Bytes(byte[] b) {
            this.b = b;
        }

        boolean more() {
            return i < b.length;
        }

        int next() {
            return i < b.length ? b[i++] & 0xFF : 0;
        }

        long nextLong() {
            long v = 0;
            for (int k = 0; k < 8; k++) {
                v = (v << 8) | next();
            }
            return v;
        }
    }
}
