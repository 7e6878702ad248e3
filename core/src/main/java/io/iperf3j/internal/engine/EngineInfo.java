package io.iperf3j.internal.engine;

import io.iperf3j.sys.SystemInfo;
import io.iperf3j.internal.options.Version;

/**
 * How this program names itself in outputs.
 *
 * @param programName the prefix of error lines ({@code iperf3j: error - ...})
 * @param versionText the JSON {@code start.version} value and the first {@code -V} line
 * @param systemInfo the JSON {@code start.system_info} value and the {@code -V} uname line
 */
public record EngineInfo(String programName, String versionText, String systemInfo) {
    /** iperf3j's own names, with this machine's uname. */
    public static EngineInfo standard() {
        return new EngineInfo("iperf3j", "iperf3j " + Version.VERSION, SystemInfo.uname());
    }
}
