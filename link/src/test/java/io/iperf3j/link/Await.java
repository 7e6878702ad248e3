package io.iperf3j.link;

import java.util.function.BooleanSupplier;

final class Await {
    private Await() {
    }

    /** Polls until {@code ok} or {@code millis} pass; returns whether it became true. */
    static boolean until(long millis, BooleanSupplier ok) throws InterruptedException {
        long end = System.nanoTime() + millis * 1_000_000L;
        while (System.nanoTime() < end) {
            if (ok.getAsBoolean()) {
                return true;
            }
            Thread.sleep(2);
        }
        return ok.getAsBoolean();
    }
}
