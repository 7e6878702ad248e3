package io.iperf3j.internal.engine.server;

import java.util.function.IntSupplier;

/**
 * iperf3's answer to a test beyond {@code --max-concurrent} or {@code --max-per-client} (or
 * after the server closed): ACCESS_DENIED and the log's {@code event=busy} with the limit it
 * hit; the test's cookie is free again. No client-visible code names a per-client limit, so
 * the client prints iperf3's busy text either way.
 */
final class RefuseBusy implements Admission.Overflow {
    private final EventFanout events;
    private final IntSupplier running;
    private final int max;
    private final CookieTable cookies;

    /**
     * @param running the count the busy line shows
     * @param max the maximum it shows
     * @param cookies where a refused test's cookie is given back
     */
    RefuseBusy(EventFanout events, IntSupplier running, int max, CookieTable cookies) {
        this.events = events;
        this.running = running;
        this.max = max;
        this.cookies = cookies;
    }

    @Override
    public void hold(Arrival a, Take refused) {
        switch (refused) {
            case Take.ClientLimit(ClientKey key, int limit) -> events.perClient(a.client(), limit);
            // The count admission refused by (bug 5), decided under the pool's monitor.
            case Take.Full(int r, int m) -> events.busy(a.client(), r, m);
            case Take.Closed() -> events.busy(a.client(), running.getAsInt(), max);
            case Take.Granted(Slot s) -> throw new IllegalArgumentException("a granted test is not refused");
        }
        Refusal.BUSY.answer(a.channel());
        cookies.release(a);
    }

    @Override
    public void slotFreed() {
        // nobody waits
    }
}
