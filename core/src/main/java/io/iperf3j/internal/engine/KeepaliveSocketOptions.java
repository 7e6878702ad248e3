package io.iperf3j.internal.engine;

import io.iperf3j.internal.options.IperfOptions.ControlKeepalive;
import io.iperf3j.internal.protocol.ErrorCode;
import io.iperf3j.internal.protocol.IperfException;

import java.io.IOException;
import java.net.SocketOption;
import java.net.StandardSocketOptions;
import java.nio.channels.SocketChannel;

import jdk.net.ExtendedSocketOptions;

/**
 * {@code --cntl-ka}: TCP keepalive on the control connection, the options iperf3 3.21's
 * {@code iperf_set_control_keepalive} sets on either side: {@code TCP_KEEPIDLE},
 * {@code TCP_KEEPINTVL} and {@code TCP_KEEPCNT} where the user gave them, and
 * {@code SO_KEEPALIVE}; values left out are the socket's (the system's) own, read back to
 * check that the idle time exceeds interval × count. The JDK has all four options
 * ({@code jdk.net.ExtendedSocketOptions}), so no native call is needed.
 *
 * <p>Unlike 3.21, {@code SO_KEEPALIVE} comes last, so the keepalive timer is armed with the
 * idle time already in place. Set first, it ran on the system's 7200 s until
 * {@code TCP_KEEPIDLE} followed, and {@code ss} caught that moment (NewerOptionsInteropTest
 * failed once in run 17 with a 7200 s timer on our server's control connection). The errors
 * and their codes are 3.21's either way.
 */
public final class KeepaliveSocketOptions {
    private KeepaliveSocketOptions() {
    }

    /**
     * Applies {@code ka} (nothing when null) to the connected control channel.
     *
     * @param explain told 3.21's {@code iperf_err} line before an idle time that is too
     *        short for the system's interval and count ends the test
     * @return 3.21's {@code -V} line naming the values in force, or null when off
     * @throws IperfException with 3.21's code for the option that could not be set
     */
    public static String apply(SocketChannel control, ControlKeepalive ka, java.util.function.Consumer<String> explain)
            throws IperfException {
        if (ka == null) {
            return null;
        }
        int idle = ka.idleSec() != 0 ? ka.idleSec()
                : get(control, ExtendedSocketOptions.TCP_KEEPIDLE, ErrorCode.SET_CNTL_KA_INTERVAL);
        int interval = ka.intervalSec() != 0 ? ka.intervalSec()
                : get(control, ExtendedSocketOptions.TCP_KEEPINTERVAL, ErrorCode.SET_CNTL_KA_INTERVAL);
        int count = ka.count() != 0 ? ka.count()
                : get(control, ExtendedSocketOptions.TCP_KEEPCOUNT, ErrorCode.SET_CNTL_KA_COUNT);
        if (ka.idleSec() != 0 && (long) ka.idleSec() <= (long) interval * count) {
            explain.accept("Keepalive Idle time (" + idle + ") should be greater than Retries-interval (" + interval
                    + ") times Retries-count (" + count + ")");
            throw new IperfException(ErrorCode.CNTL_KA); // errno 0: 3.21 prints the text and ": "
        }
        if (ka.idleSec() != 0) {
            set(control, ExtendedSocketOptions.TCP_KEEPIDLE, ka.idleSec(), ErrorCode.SET_CNTL_KA_KEEPIDLE);
        }
        if (ka.intervalSec() != 0) {
            set(control, ExtendedSocketOptions.TCP_KEEPINTERVAL, ka.intervalSec(), ErrorCode.SET_CNTL_KA_INTERVAL);
        }
        if (ka.count() != 0) {
            set(control, ExtendedSocketOptions.TCP_KEEPCOUNT, ka.count(), ErrorCode.SET_CNTL_KA_COUNT);
        }
        set(control, StandardSocketOptions.SO_KEEPALIVE, true, ErrorCode.SET_CNTL_KA);
        return "Control connection TCP Keepalive TCP_KEEPIDLE/TCP_KEEPINTVL/TCP_KEEPCNT are set to "
                + idle + "/" + interval + "/" + count;
    }

    private static <T> void set(SocketChannel ch, SocketOption<T> option, T value, ErrorCode code)
            throws IperfException {
        try {
            ch.setOption(option, value);
        } catch (IOException | IllegalArgumentException | UnsupportedOperationException e) {
            // the kernel's EINVAL for a value out of its range, as iperf3's strerror
            throw new IperfException(code, e instanceof IOException io ? IoErrno.describe(io) : "Invalid argument", e);
        }
    }

    private static int get(SocketChannel ch, SocketOption<Integer> option, ErrorCode code) throws IperfException {
        try {
            return ch.getOption(option);
        } catch (IOException | UnsupportedOperationException e) {
            throw new IperfException(code, e.getMessage(), e);
        }
    }
}
