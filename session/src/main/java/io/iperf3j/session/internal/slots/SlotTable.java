package io.iperf3j.session.internal.slots;

import io.iperf3j.session.internal.slots.SlotWire.Busy;
import io.iperf3j.session.internal.slots.SlotWire.Given;
import io.iperf3j.session.internal.slots.SlotWire.Parked;
import io.iperf3j.session.internal.slots.SlotWire.Refused;
import io.iperf3j.session.internal.slots.SlotWire.Reply;
import io.iperf3j.session.internal.slots.SlotWire.Taken;
import java.util.HashMap;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * Who holds and who waits for each slot of the host-slots service: the turn-taking the session's host agents did with
 * {@code flock}s on files of a shared folder, with no folder. A slot is held by one peer (a connection) at a time; a
 * peer that finds it held is recorded as waiting, and the holder gives it up at its next test's end ({@link #park}), or
 * yields it at its next take of a parked slot, so that two controllers take turns test by test. A wait is forgotten when
 * the peer takes the slot, gives it, goes away ({@link #drop}), or has not asked for it again for {@link #WAIT_FRESH}
 * nanoseconds (a controller asks again every second while it wants a host: one that moved on must not keep making the
 * holder yield).
 *
 * <p>Bounds: a peer holds or waits for at most {@link #MAX_SLOTS_PER_PEER} slots (a take beyond is refused, saying so);
 * a slot that no one holds or waits for is removed. So the table is at most that many entries a connection, and the
 * service bounds connections.
 *
 * <p>Threads: any; every method holds this object's monitor (a few map operations a request).
 */
public final class SlotTable {
    /** How long a peer that found a slot held counts as waiting for it without asking again. */
    public static final long WAIT_FRESH = 10_000_000_000L;
    /** The most slots one peer holds or waits for at once. */
    public static final int MAX_SLOTS_PER_PEER = 64;

    /**
     * One connection to the service.
     *
     * @param id unique among the service's connections
     * @param account the account its peer runs as ({@code SO_PEERCRED}'s user): peers of one account take turns, another
     *        account's hold is named
     */
    public record Peer(long id, String account) {
        /** Checks presence. */
        public Peer {
            Objects.requireNonNull(account, "account");
        }
    }

    private static final class Slot {
        Peer holder;
        boolean parked;
        /** Peer to the monotonic time it last asked, in the order they first asked. */
        final LinkedHashMap<Peer, Long> waiting = new LinkedHashMap<>();
    }

    private final Map<String, Slot> slots = new HashMap<>();
    /** How many slots each peer holds or waits for. */
    private final Map<Peer, Integer> counts = new HashMap<>();

    /** Takes {@code slot} for {@code peer} at monotonic time {@code now}: {@link Taken}, {@link Busy} or {@link Refused}. */
    public synchronized Reply take(Peer peer, String slot, long now) {
        Slot s = slots.get(slot);
        if (s == null) {
            if (count(peer) >= MAX_SLOTS_PER_PEER) {
                return tooMany();
            }
            s = new Slot();
            slots.put(slot, s);
        }
        expire(s, now);
        if (s.holder == peer) {
            Optional<Peer> other = firstWaiter(s, peer);
            if (s.parked && other.isPresent()) {
                // parked while another peer waits: it goes to that one, this peer waits its turn
                release(s);
                s.waiting.put(peer, now); // counted already, as the holder
                return new Busy(named(other.get(), peer));
            }
            s.parked = false;
            return new Taken();
        }
        if (s.holder == null) {
            if (!s.waiting.containsKey(peer) && count(peer) >= MAX_SLOTS_PER_PEER) {
                dropIfIdle(slot, s);
                return tooMany();
            }
            if (s.waiting.remove(peer) == null) {
                counts.merge(peer, 1, Integer::sum);
            }
            s.holder = peer;
            s.parked = false;
            return new Taken();
        }
        if (!s.waiting.containsKey(peer) && count(peer) >= MAX_SLOTS_PER_PEER) {
            return tooMany();
        }
        wait(s, peer, now);
        return new Busy(named(s.holder, peer));
    }

    /** A test's end for {@code peer}: {@link Parked} when it holds {@code slot} and no other peer waits for it, else {@link Given}. */
    public synchronized Reply park(Peer peer, String slot, long now) {
        Slot s = slots.get(slot);
        if (s == null || s.holder != peer) {
            return new Given();
        }
        expire(s, now);
        if (firstWaiter(s, peer).isPresent()) {
            release(s);
            uncount(peer);
            dropIfIdle(slot, s);
            return new Given();
        }
        s.parked = true;
        return new Parked();
    }

    /** Gives {@code slot} back, and stops {@code peer}'s wait for it: {@link Given}. */
    public synchronized Reply give(Peer peer, String slot) {
        Slot s = slots.get(slot);
        if (s != null) {
            if (s.holder == peer) {
                release(s);
                uncount(peer);
            } else if (s.waiting.remove(peer) != null) {
                uncount(peer);
            }
            dropIfIdle(slot, s);
        }
        return new Given();
    }

    /** {@code peer} went away: every slot it held is free, every wait of its is forgotten. */
    public synchronized void drop(Peer peer) {
        if (counts.remove(peer) == null) {
            return;
        }
        Iterator<Map.Entry<String, Slot>> it = slots.entrySet().iterator();
        while (it.hasNext()) {
            Slot s = it.next().getValue();
            if (s.holder == peer) {
                release(s);
            }
            s.waiting.remove(peer);
            if (s.holder == null && s.waiting.isEmpty()) {
                it.remove();
            }
        }
    }

    /** Slots in the table (held or waited for): a bound the tests read. */
    public synchronized int size() {
        return slots.size();
    }

    /** The account that holds {@code slot}, if any (for the service's status line and tests). */
    public synchronized Optional<String> holder(String slot) {
        Slot s = slots.get(slot);
        return s == null || s.holder == null ? Optional.empty() : Optional.of(s.holder.account());
    }

    private int count(Peer peer) {
        return counts.getOrDefault(peer, 0);
    }

    private void uncount(Peer peer) {
        counts.computeIfPresent(peer, (p, n) -> n <= 1 ? null : n - 1);
    }

    private static Refused tooMany() {
        return new Refused("this connection holds or waits for " + MAX_SLOTS_PER_PEER + " slots, the most it may");
    }

    private void wait(Slot s, Peer peer, long now) {
        if (s.waiting.put(peer, now) == null) {
            counts.merge(peer, 1, Integer::sum);
        }
    }

    private static void release(Slot s) {
        s.holder = null;
        s.parked = false;
    }

    private void dropIfIdle(String slot, Slot s) {
        if (s.holder == null && s.waiting.isEmpty()) {
            slots.remove(slot);
        }
    }

    /** Forgets the waits not renewed within {@link #WAIT_FRESH}. */
    private void expire(Slot s, long now) {
        Iterator<Map.Entry<Peer, Long>> it = s.waiting.entrySet().iterator();
        while (it.hasNext()) {
            Map.Entry<Peer, Long> e = it.next();
            if (now - e.getValue() > WAIT_FRESH) {
                it.remove();
                uncount(e.getKey());
            }
        }
    }

    private static Optional<Peer> firstWaiter(Slot s, Peer besides) {
        for (Peer p : s.waiting.keySet()) {
            if (p != besides) {
                return Optional.of(p);
            }
        }
        return Optional.empty();
    }

    /** {@code other}'s account as a busy reply to {@code asker} names it: empty for the asker's own account. */
    private static Optional<String> named(Peer other, Peer asker) {
        return other.account().equals(asker.account()) ? Optional.empty() : Optional.of(other.account());
    }
}
