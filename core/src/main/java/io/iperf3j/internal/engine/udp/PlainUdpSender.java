package io.iperf3j.internal.engine.udp;

import io.iperf3j.internal.engine.Pacer;
import io.iperf3j.internal.engine.TransferBudget;
import io.iperf3j.internal.udp.UdpHeader;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.DatagramChannel;

/** One {@code write} per datagram through the JDK's blocking {@link DatagramChannel}. */
final class PlainUdpSender implements UdpSender {
    private final UdpStream stream;
    private final DatagramChannel channel;
    private final ByteBuffer buffer;
    private final int datagramSize;
    private final Pacer pacer;
    private final TransferBudget budget;
    private final boolean counters64;

    PlainUdpSender(UdpStream stream, DatagramChannel channel, ByteBuffer buffer, Pacer pacer, TransferBudget budget,
                   boolean counters64) {
        this.stream = stream;
        this.channel = channel;
        this.buffer = buffer;
        this.datagramSize = buffer.capacity();
        this.pacer = pacer;
        this.budget = budget;
        this.counters64 = counters64;
    }

    @Override
    public String ioPath() {
        return "write";
    }

    @Override
    public End run() throws IOException {
        final ByteBuffer b = buffer;
        final int size = datagramSize;
        final Pacer p = pacer;
        final TransferBudget limit = budget;
        if (p != null) {
            stream.startPacer(p);
        }
        long bytesSent = 0;
        long sequence = 0;
        while (!stream.stopRequested) {
            if (limit != null && !limit.take(size)) {
                return End.BUDGET_SPENT;
            }
            if (p != null && p.checkDue()) {
                long wait;
                long now;
                while ((wait = p.waitNanos(bytesSent, now = System.nanoTime())) > 0) {
                    if (stream.stopRequested) {
                        return End.STOPPED;
                    }
                    p.sleep(wait, now, UdpStream.MAX_PARK_NANOS);
                }
            }
            // iperf3 counts the datagram before sending it, so a datagram the kernel
            // refuses (ENOBUFS) leaves a gap the receiver counts as lost.
            sequence++;
            UdpHeader.write(b, System.nanoTime() / 1000, sequence, counters64);
            b.clear();
            int n;
            try {
                n = channel.write(b);
            } catch (IOException e) {
                if (isNoBufferSpace(e)) {
                    stream.publishSent(sequence);
                    continue; // iperf3: NET_SOFTERROR, try again on the next pass
                }
                throw e;
            }
            bytesSent += n;
            stream.countSent(n, 1);
            stream.publishSent(sequence);
        }
        return End.STOPPED;
    }

    private static boolean isNoBufferSpace(IOException e) {
        String m = e.getMessage();
        return m != null && m.contains("No buffer space available");
    }
}
