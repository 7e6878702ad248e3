package io.iperf3j.internal.engine;

import io.iperf3j.internal.options.IperfOptions;
import io.iperf3j.internal.protocol.ErrorCode;
import io.iperf3j.internal.protocol.IperfException;

/**
 * Options the parser accepts (they are iperf3's) but this engine cannot honour
 * yet. iperf3 answers such options with "an option you are trying to set is not
 * implemented yet"; so do we, naming the option, rather than ignore it.
 */
public final class Unsupported {
    private Unsupported() {
    }

    public static void check(IperfOptions o) throws IperfException {
        String option = null;
        if (o.file() != null) {
            option = "-F/--file";
        }
        if (option != null) {
            throw new IperfException(ErrorCode.UNIMPLEMENTED, option);
        }
    }
}
