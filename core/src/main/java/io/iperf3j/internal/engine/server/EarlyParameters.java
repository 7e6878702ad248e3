package io.iperf3j.internal.engine.server;

import io.iperf3j.ServerEvent;
import io.iperf3j.internal.engine.StreamFactory;
import io.iperf3j.internal.json.JsonObject;
import io.iperf3j.internal.protocol.ControlFrames;
import io.iperf3j.internal.protocol.ControlState;
import io.iperf3j.internal.protocol.ErrorCode;
import io.iperf3j.internal.protocol.IperfException;
import io.iperf3j.internal.protocol.MalformedFrameException;
import io.iperf3j.internal.protocol.TestParameters;

import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

/**
 * {@code --total-rate} with {@code --queue}: a new test that finds every place taken has its
 * parameters read before it queues (PARAM_EXCHANGE, then the client's JSON), so a UDP upload
 * asking for more than the whole rate is refused at once with SERVER_ERROR 27, as it would be
 * once admitted, instead of after its wait in the queue (issue 46: 9.3 s). The README says such
 * an upload is refused up front. An iperf3 client has no timer between sending its parameters
 * and CREATE_STREAMS, so it waits in the queue after them as it waited before them
 * (public-server.md 3.2). Its test then starts from these parameters without a second
 * PARAM_EXCHANGE. Runs on the arrival's handshake thread, which the handshake cap counts.
 */
final class EarlyParameters implements Admission.Screen {
    private final RateShares rates;
    private final EventFanout events;
    private final CookieTable cookies;
    private final Supplier<ServerLimits> limits;

    EarlyParameters(RateShares rates, EventFanout events, CookieTable cookies, Supplier<ServerLimits> limits) {
        this.rates = rates;
        this.events = events;
        this.cookies = cookies;
        this.limits = limits;
    }

    @Override
    public Arrival pass(Arrival a) {
        JsonObject json;
        try {
            json = read(a, limits.get().setupTimeout());
        } catch (MalformedFrameException e) {
            refuse(a, ErrorCode.RECV_PARAMS, ServerEvent.Reason.PROTOCOL, "parameters before the queue: " + e.getMessage());
            return null;
        } catch (IOException e) {
            events.refused(a.client(), ServerEvent.Reason.PROTOCOL, e instanceof SocketTimeoutException
                    ? "no parameters within " + limits.get().setupTimeout().toMillis() + " ms"
                    : "closed before sending its parameters");
            StreamFactory.closeQuietly(a.channel());
            cookies.release(a);
            return null;
        }
        TestParameters p;
        try {
            p = TestParameters.fromJson(json);
        } catch (IperfException e) {
            return a.withParameters(json); // its test refuses them with their own error, as without a queue
        }
        if (rates.refusesUdpUpload(p.udp(), !p.reverse() || p.bidirectional(), p.bandwidth(), p.parallel())) {
            refuse(a, ErrorCode.TOTAL_RATE, ServerEvent.Reason.TOTAL_RATE, "UDP upload asks for more than --total-rate");
            return null;
        }
        return a.withParameters(json);
    }

    /** SERVER_ERROR {@code code} with errno 0 (as a test's own refusal), the event, the close. */
    private void refuse(Arrival a, ErrorCode code, ServerEvent.Reason reason, String detail) {
        events.refused(a.client(), reason, detail);
        try {
            a.channel().write(ControlFrames.encodeServerError(code.number(), 0));
        } catch (IOException ignored) {
            // refused either way
        }
        StreamFactory.closeQuietly(a.channel());
        cookies.release(a);
    }

    /** Sends PARAM_EXCHANGE and reads the parameters' frame, all within {@code timeout}. */
    private static JsonObject read(Arrival a, Duration timeout) throws IOException, MalformedFrameException {
        a.channel().configureBlocking(true);
        a.channel().write(ControlFrames.encodeState(ControlState.PARAM_EXCHANGE));
        Socket s = a.channel().socket();
        InputStream in = s.getInputStream();
        long deadline = System.nanoTime() + timeout.toNanos();
        ByteBuffer header = ByteBuffer.wrap(readFully(s, in, new byte[4], deadline));
        // the length alone: 0 or above the cap fails here, before a body byte is read
        ControlFrames.tryReadJson(header, ControlFrames.MAX_PARAMETERS_LENGTH);
        int length = header.getInt(0);
        byte[] frame = new byte[4 + length];
        header.get(0, frame, 0, 4);
        readFully(s, in, frame, 4, deadline);
        s.setSoTimeout(0);
        JsonObject json = ControlFrames.tryReadJson(ByteBuffer.wrap(frame), ControlFrames.MAX_PARAMETERS_LENGTH);
        if (json == null) {
            throw new MalformedFrameException("incomplete JSON message");
        }
        return json;
    }

    private static byte[] readFully(Socket s, InputStream in, byte[] b, long deadline) throws IOException {
        readFully(s, in, b, 0, deadline);
        return b;
    }

    private static void readFully(Socket s, InputStream in, byte[] b, int from, long deadline) throws IOException {
        int got = from;
        while (got < b.length) {
            long left = TimeUnit.NANOSECONDS.toMillis(deadline - System.nanoTime());
            if (left <= 0) {
                throw new SocketTimeoutException("no parameters");
            }
            s.setSoTimeout((int) Math.min(Integer.MAX_VALUE, Math.max(1, left)));
            int n = in.read(b, got, b.length - got);
            if (n < 0) {
                throw new EOFException("closed before its parameters");
            }
            got += n;
        }
    }
}
