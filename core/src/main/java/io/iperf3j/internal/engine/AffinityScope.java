package io.iperf3j.internal.engine;

import io.iperf3j.sys.CpuAffinity;
import io.iperf3j.sys.NativeSocketException;
import io.iperf3j.internal.protocol.ErrorCode;
import io.iperf3j.internal.protocol.IperfException;

/**
 * {@code -A}: the calling thread pinned to one CPU for as long as the scope is open,
 * so the stream workers it starts meanwhile run there too (a new thread inherits its
 * creator's mask); {@link #close()} gives the thread its previous mask back. See
 * {@link CpuAffinity} for how this maps onto iperf3's process-wide pinning.
 */
public final class AffinityScope implements AutoCloseable {
    /** A scope that changes nothing (no {@code -A}). */
    public static final AffinityScope NONE = new AffinityScope(null);

    private final byte[] previous;

    private AffinityScope(byte[] previous) {
        this.previous = previous;
    }

    /**
     * Pins the calling thread to {@code cpu}; a negative cpu pins nothing.
     *
     * @throws IperfException iperf3's "unable to set CPU affinity" with the system's reason
     */
    public static AffinityScope pin(int cpu) throws IperfException {
        if (cpu < 0) {
            return NONE;
        }
        if (!CpuAffinity.available()) {
            throw new IperfException(ErrorCode.UNIMPLEMENTED, "-A/--affinity");
        }
        try {
            byte[] previous = CpuAffinity.currentThreadMask();
            CpuAffinity.pinCurrentThread(cpu);
            return new AffinityScope(previous);
        } catch (NativeSocketException e) {
            throw new IperfException(ErrorCode.AFFINITY, e.errnoText());
        }
    }

    /** {@code -A n[,m]}'s n, or -1. */
    public static int ownCpu(String affinity) {
        if (affinity == null) {
            return -1;
        }
        int comma = affinity.indexOf(',');
        return Integer.parseInt(comma < 0 ? affinity : affinity.substring(0, comma));
    }

    @Override
    public void close() {
        if (previous != null) {
            try {
                CpuAffinity.setCurrentThreadMask(previous);
            } catch (NativeSocketException e) {
                // the mask came from this thread a moment ago; nothing sensible to do
            }
        }
    }
}
