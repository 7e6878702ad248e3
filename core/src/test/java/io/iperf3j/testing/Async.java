package io.iperf3j.testing;

import java.util.concurrent.CompletableFuture;
import java.util.function.Supplier;

/** Blocking test work on threads of its own. */
public final class Async {
    private Async() {
    }

    /**
     * Runs {@code task} on a daemon platform thread of its own: the common pool has one
     * worker on two cores, and the tasks of these tests block (a client run, a peer that
     * waits for a server).
     */
    public static <T> CompletableFuture<T> async(Supplier<T> task) {
        CompletableFuture<T> f = new CompletableFuture<>();
        Thread.ofPlatform().daemon().start(() -> {
            try {
                f.complete(task.get());
            } catch (Throwable t) {
                f.completeExceptionally(t);
            }
        });
        return f;
    }
}
