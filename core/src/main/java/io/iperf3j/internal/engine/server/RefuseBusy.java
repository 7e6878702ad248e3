package io.iperf3j.internal.engine.server;

import java.util.function.IntSupplier;

/**
 * iperf3's answer to a test beyond {@code --max-concurrent} (or after the server closed):
 * ACCESS_DENIED and the log's {@code event=busy}; the test's cookie is free again.
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
    public void hold(Arrival a) {
        events.busy(a.client(), running.getAsInt(), max);
        Refusal.BUSY.answer(a.channel());
        cookies.release(a);
    }

    @Override
    public void slotFreed() {
        // nobody waits
    }
}
