package io.iperf3j.internal.engine.server;

import java.util.function.IntSupplier;

/** iperf3's answer to a test beyond {@code --max-concurrent}: ACCESS_DENIED, and the log's {@code event=busy}. */
final class RefuseBusy implements Admission.Overflow {
    private final ServerLog log;
    private final IntSupplier running;
    private final int max;

    /**
     * @param running the count the busy line shows
     * @param max the maximum it shows
     */
    RefuseBusy(ServerLog log, IntSupplier running, int max) {
        this.log = log;
        this.running = running;
        this.max = max;
    }

    @Override
    public void hold(Arrival a) {
        log.busy(a.client(), running.getAsInt(), max);
        Refusal.BUSY.answer(a.channel());
    }

    @Override
    public void slotFreed() {
        // nobody waits
    }
}
