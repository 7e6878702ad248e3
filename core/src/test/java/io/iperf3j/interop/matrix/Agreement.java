package io.iperf3j.interop.matrix;

import io.iperf3j.internal.json.JsonObject;
import io.iperf3j.testing.PeerRun.Peer;

import java.util.ArrayList;
import java.util.List;

/**
 * Whether the client's and the server's JSON documents of one run agree by iperf3's own
 * rules. Pure: two documents in, the list of broken rules out (empty = agreement).
 *
 * <p>A test has one half per direction of data: the client's first direction ({@code
 * sum_sent}/{@code sum_received} in both documents) and, with {@code --bidir}, the
 * reverse half ({@code sum_*_bidir_reverse}). Each side measures its own end of each
 * half and learns the other end from the results exchange. The rules:
 * <ol>
 * <li>The client prints the server's figure for each half exactly as the server's own
 *     document has it (the results exchange carries it unchanged).</li>
 * <li>The server prints the client's figure exactly, or 0: iperf3 servers (3.12 and
 *     3.21) print their document before the results exchange, so the half they did not
 *     measure shows 0. That zero is allowed; any other value must be exact.</li>
 * <li>No half received more than it sent.</li>
 * <li>{@code -n}/{@code -k}: the client ends the test when its sending half has sent the
 *     count or its receiving half has received it (both 3.12 and 3.21). A count the
 *     client sends is exact: at least the count and at most one more block per stream
 *     (except 3.21's UDP client, which notices its count only at its next stats tick).
 *     A count the client receives is reached: bytes for {@code -n}; for {@code -k} over
 *     TCP whole blocks (3.21 and iperf3j read a block at a time), reads for the 3.12
 *     client (its reads may be short, so only {@code ≥ k} bytes can be checked); UDP
 *     datagrams arrived (packets less lost).</li>
 * <li>{@code -t 1}: the test lasted about a second.</li>
 * <li>UDP: the sender's datagram count is the same in both documents, and not 0.</li>
 * </ol>
 *
 * <p>Two races of iperf3 3.21's threads are allowed, each at most one block per stream,
 * because 3.21 against itself shows them too (docs/design/test-end.md): its server
 * prints its document before its sender threads have stopped, so the results it sends
 * a moment later can carry one more block per stream than its document (rule 1); and a
 * 3.21 sender, client or server, counts a block only after its write returned, in a
 * thread its main thread cancels (client) or does not wait for (server) before reading
 * the count, so a block that reached the receiver can be missing from the sender's
 * figure (rule 3, {@link #receivedMoreThanSent}); and a 3.21 server's UDP sender counts
 * a datagram before its write and takes it back when the write fails on the socket its
 * main thread closed at TEST_END, so its results and its document can differ by one
 * datagram per stream (rule 6, {@link #serverPacketRace}). And 3.21's client notices a count in
 * its main loop, not in its sender threads, so it can send past the count (rule 4:
 * reached, but no upper bound).
 */
final class Agreement {
    private Agreement() {
    }

    private record Half(String sentKey, String receivedKey, boolean clientSends) {
    }

    /**
     * Whether a {@code --bidir -n} or UDP {@code --bidir -k} test ended on its other half's count, as
     * 3.21's client ends it when either its bytes (blocks) sent or its bytes (blocks) received reach
     * {@code -n} ({@code -k}) (iperf_client_api.c): then this half's sender may have sent nothing yet
     * (run 25: 3.21's reverse stream sent 19 MB in the first 14 ms, before a loaded JVM's UDP sender had
     * sent its first datagram; 2026-11-28: {@code -k 2000} at 2 Gbit/s is 12 ms of the other half).
     */
    private static boolean endedByOtherHalf(Cell cell, JsonObject clientEnd, boolean clientSends) {
        if (cell.direction() != Cell.Direction.BIDIR) {
            return false;
        }
        JsonObject other = clientEnd.getObject(clientSends ? "sum_received_bidir_reverse" : "sum_sent");
        if (other == null) {
            return false;
        }
        String value = cell.value(cell.udp());
        if (cell.end() == Cell.End.BYTES) {
            long n = Long.parseLong(value.substring(0, value.length() - 1)) << 20; // "5M", "40M": iperf3's -n is binary
            Long bytes = other.getLong("bytes");
            return bytes != null && bytes >= n;
        }
        if (cell.end() == Cell.End.BLOCKS && cell.udp()) {
            long k = Long.parseLong(value); // a datagram is a block
            Long packets = other.getLong("packets");
            Long lost = clientSends ? other.getLong("lost_packets") : Long.valueOf(0);
            return packets != null && packets - (lost == null ? 0 : lost) >= k;
        }
        return false;
    }

    static List<String> violations(Cell cell, JsonObject client, JsonObject server) {
        List<String> v = new ArrayList<>();
        JsonObject ce = client.getObject("end");
        JsonObject se = server.getObject("end");
        if (ce == null || se == null) {
            v.add("a document has no end object");
            return v;
        }
        long blk = client.getObject("start").getObject("test_start").getLong("blksize");
        List<Half> halves = new ArrayList<>();
        halves.add(new Half("sum_sent", "sum_received", cell.direction() != Cell.Direction.REVERSE));
        if (cell.direction() == Cell.Direction.BIDIR) {
            halves.add(new Half("sum_sent_bidir_reverse", "sum_received_bidir_reverse", false));
        }
        long clientSent = -1;
        long clientReceived = -1;
        long clientReceivedDatagrams = -1;
        long clientSentDatagrams = -1;
        for (Half h : halves) {
            JsonObject cs = ce.getObject(h.sentKey);
            JsonObject cr = ce.getObject(h.receivedKey);
            JsonObject ss = se.getObject(h.sentKey);
            JsonObject sr = se.getObject(h.receivedKey);
            if (cs == null || cr == null || ss == null || sr == null) {
                v.add(h.sentKey + "/" + h.receivedKey + " missing in a document");
                continue;
            }
            String half = h.clientSends ? "client->server" : "server->client";
            long sent = h.clientSends ? cs.getLong("bytes") : ss.getLong("bytes");
            long received = h.clientSends ? sr.getLong("bytes") : cr.getLong("bytes");
            // Rule 1: the client shows the server's own figure.
            long clientView = h.clientSends ? cr.getLong("bytes") : cs.getLong("bytes");
            long serverOwn = h.clientSends ? received : sent;
            long late = clientView - serverOwn;
            boolean serverThreadRace = cell.server() == Peer.IPERF3_21 && !h.clientSends
                    && late > 0 && late <= cell.parallel() * blk;
            if (late != 0 && !serverThreadRace) {
                v.add(half + ": client shows the server's " + (h.clientSends ? "received" : "sent") + " bytes as "
                        + clientView + ", the server's document has " + serverOwn);
            }
            if (serverThreadRace) {
                sent = clientView; // the later figure: the server's results, after its last write returned
            }
            // Rule 2: the server shows the client's own figure, or 0 (printed before the exchange).
            long serverView = h.clientSends ? ss.getLong("bytes") : sr.getLong("bytes");
            long clientOwn = h.clientSends ? sent : received;
            if (serverView != 0 && serverView != clientOwn) {
                v.add(half + ": server shows the client's " + (h.clientSends ? "sent" : "received") + " bytes as "
                        + serverView + ", the client's document has " + clientOwn);
            }
            // Rule 3.
            Peer sender = h.clientSends ? cell.client() : cell.server();
            if (receivedMoreThanSent(sender, sent, received, cell.parallel(), blk)) {
                v.add(half + ": received " + received + " > sent " + sent);
            }
            if (cell.udp()) {
                // Rule 6.
                JsonObject senderSum = h.clientSends ? cs : ss;
                Long packets = senderSum.getLong("packets");
                Long clientViewPackets = cs.getLong("packets");
                if ((packets == null || packets <= 0) && !endedByOtherHalf(cell, ce, h.clientSends)) {
                    v.add(half + ": the sender's document shows " + packets + " datagrams sent");
                } else if (!h.clientSends && clientViewPackets != null && !clientViewPackets.equals(packets)
                        && !serverPacketRace(cell, clientViewPackets, packets)) {
                    v.add(half + ": client shows " + clientViewPackets + " datagrams sent, the server's document " + packets);
                }
                JsonObject receiverSum = h.clientSends ? sr : cr;
                Double lostPercent = receiverSum.getDouble("lost_percent");
                if (lostPercent == null || lostPercent < 0 || lostPercent > 100) {
                    v.add(half + ": receiver lost_percent " + lostPercent);
                }
                if (h.clientSends) {
                    clientSentDatagrams = packets == null ? -1 : packets;
                } else {
                    Long p = cr.getLong("packets");
                    Long lost = cr.getLong("lost_packets");
                    clientReceivedDatagrams = p == null || lost == null ? -1 : p - lost;
                }
            }
            if (h.clientSends) {
                clientSent = sent;
            } else {
                clientReceived = received;
            }
            // Rule 5.
            if (cell.end() == Cell.End.TIME) {
                Double secs = cs.getDouble("seconds");
                if (secs == null || secs < 0.9 || secs > 2.5) {
                    v.add(half + ": a -t 1 test lasted " + secs + " s");
                }
            }
        }
        checkCount(cell, blk, clientSent, clientReceived, clientSentDatagrams, clientReceivedDatagrams, v);
        return v;
    }

    /**
     * Rule 3: whether a half received more than its sender counted, less the blocks an
     * iperf3 3.21 sender leaves out of its own count: at most one per stream, whichever
     * role (client or server) that sender has, and only for 3.21.
     *
     * <p>Why 3.21 undercounts (file:line of shared/peers/iperf-3.21-master.tar.gz):
     * each stream sends from a thread of its own ({@code iperf_server_worker_run},
     * iperf_server_api.c:94-97; the client's likewise), which counts a block only after
     * its write returned: UDP {@code ++packet_count} (iperf_udp.c:294), {@code Nwrite}
     * (iperf_udp.c:332), then {@code result->bytes_sent += r} (iperf_udp.c:345); TCP
     * {@code Nwrite} (iperf_tcp.c:103) then {@code bytes_sent += r} (iperf_tcp.c:109);
     * the test's totals in {@code iperf_send_mt} after {@code sp->snd} returned
     * (iperf_api.c:2233-2241). The fields are plain (no lock, no atomics), and the main
     * thread reads them without waiting for that thread:
     * <ul>
     * <li>server: on TEST_END it sets {@code done} (iperf_server_api.c:269), takes its
     *     final sample (271), prints its document (277: {@code iperf_print_results}
     *     reads {@code bytes_sent}, iperf_api.c:4391) and sends its results (280:
     *     {@code send_results} reads it again, iperf_api.c:2939); it cancels and joins
     *     its sender threads only after the exchange ({@code cleanup_server},
     *     iperf_server_api.c:482-488, called at 1001). On loopback the kernel queues a
     *     datagram in the receiving socket inside the send call, so the receiver can
     *     count it, reach {@code -k}, and have its TEST_END read by the server's main
     *     thread while the sender thread has not yet run iperf_udp.c:345 (descheduled on
     *     a busy machine): the block is in neither the document nor the results. (If
     *     line 345 runs between 277 and 280, the results carry it and the document does
     *     not: rule 1's race.)</li>
     * <li>client: it cancels and joins its sender threads before its final sample
     *     (iperf_client_api.c:804-811); a thread cancelled in its write, after the
     *     block went out, never runs the counting line.</li>
     * </ul>
     * A thread has at most one write outstanding ({@code iperf_send_mt} counts each
     * write before the next, iperf_api.c:2226-2241), hence one block per stream. The
     * matrix first saw it as {@code iperf3j -> iperf3 3.21 -u -b 2G -R -k 2000 -P 1}:
     * 2000 datagrams of 32768 bytes received, 1999 counted sent in both documents.
     */
    static boolean receivedMoreThanSent(Peer sender, long sent, long received, int parallel, long blksize) {
        boolean iperf321SenderUndercount = sender == Peer.IPERF3_21 && received - sent <= parallel * blksize;
        return received > sent && !iperf321SenderUndercount;
    }

    /**
     * Rule 6's allowance: a 3.21 server's datagram count in its results (what the client shows) may
     * differ from its document's by one per stream, either way. Its sender thread counts a datagram
     * before the write ({@code ++sp->packet_count}, iperf_udp.c:294) and takes it back when the write
     * fails ({@code --sp->packet_count}, iperf_udp.c:336); on TEST_END the main thread closes the
     * stream sockets (iperf_server_api.c:272-276, the close at 275) and prints its document (277) while that thread may
     * be between the two, then sends its results (280): a write that fails on the closed socket leaves
     * the results one short of the document (run 33: {@code iperf3j -> iperf3 3.21 -u -b 2G --bidir
     * -n 5M -P 3} across namespaces, the first reverse stream 5990 in the document, 5989 in the
     * results); a write that succeeds after the document leaves them one over.
     */
    static boolean serverPacketRace(Cell cell, long clientView, Long serverDocument) {
        return cell.server() == Peer.IPERF3_21 && serverDocument != null
                && Math.abs(clientView - serverDocument) <= cell.parallel();
    }

    /** Rule 4; -1 stands for a half the client does not have. */
    private static void checkCount(Cell cell, long blk, long sent, long received, long sentDatagrams,
                                   long receivedDatagrams, List<String> v) {
        if (cell.end() == Cell.End.TIME) {
            return;
        }
        long n = parseCount(cell.value(cell.udp()));
        int p = cell.parallel();
        boolean blocks = cell.end() == Cell.End.BLOCKS;
        // What the client sent, in the count's unit; what it received, likewise.
        long sentUnits = !blocks ? sent : cell.udp() ? sentDatagrams : (sent < 0 ? -1 : sent / blk);
        long receivedUnits;
        if (!blocks) {
            receivedUnits = received;
        } else if (cell.udp()) {
            receivedUnits = receivedDatagrams;
        } else if (cell.client() == Peer.IPERF3) {
            receivedUnits = received; // 3.12 counts reads of at least one byte each
        } else {
            receivedUnits = received < 0 ? -1 : received / blk;
        }
        long limitUnits = n;
        long overshoot = blocks ? p : (long) p * blk;
        boolean sentReached = sentUnits >= limitUnits;
        boolean receivedReached = receivedUnits >= limitUnits;
        if (!sentReached && !receivedReached) {
            v.add("the count " + cell.end().flag + " " + cell.value(cell.udp()) + " was reached by neither half (client sent "
                    + sentUnits + ", received " + receivedUnits + (blocks ? " blocks" : " bytes") + ")");
        }
        // 3.21's client checks its count in its main loop, apart from its sender threads,
        // which go on until it notices (UDP: at its next stats tick, up to a second later).
        boolean checksLate = cell.client() == Peer.IPERF3_21;
        if (sent >= 0 && !checksLate && sentUnits > limitUnits + overshoot) {
            v.add("the client sent " + sentUnits + (blocks ? " blocks" : " bytes") + " for a count of " + limitUnits
                    + " (more than one block per stream over)");
        }
        if (cell.direction() == Cell.Direction.FORWARD && !sentReached) {
            v.add("the client sent " + sentUnits + " of the count " + limitUnits);
        }
        if (cell.direction() == Cell.Direction.REVERSE && !receivedReached) {
            v.add("the client received " + receivedUnits + " of the count " + limitUnits);
        }
    }

    static long parseCount(String s) {
        char unit = Character.toUpperCase(s.charAt(s.length() - 1));
        long mult = switch (unit) {
            case 'K' -> 1024L;
            case 'M' -> 1024L * 1024;
            case 'G' -> 1024L * 1024 * 1024;
            default -> 1;
        };
        String digits = mult == 1 ? s : s.substring(0, s.length() - 1);
        return Long.parseLong(digits) * mult;
    }
}
