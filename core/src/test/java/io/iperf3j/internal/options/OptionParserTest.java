package io.iperf3j.internal.options;

import io.iperf3j.Role;
import io.iperf3j.Transport;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.InstanceOfAssertFactories.type;

import io.iperf3j.internal.options.IperfOptions.IpVersion;
import io.iperf3j.internal.options.IperfOptions.RsaPadding;
import io.iperf3j.internal.output.OutputMode;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.function.UnaryOperator;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class OptionParserTest {

    private static String[] words(String line) {
        return line.isBlank() ? new String[0] : line.trim().split(" +");
    }

    private static Arguments run(String line, UnaryOperator<IperfOptions.Builder> expected) {
        return Arguments.of(line, words(line), expected);
    }

    private static Arguments runArgs(String name, String[] args, UnaryOperator<IperfOptions.Builder> expected) {
        return Arguments.of(name, args, expected);
    }

    private static IperfOptions.Builder client(IperfOptions.Builder b, String host) {
        return b.role(Role.CLIENT).host(host);
    }

    private static IperfOptions.Builder server(IperfOptions.Builder b) {
        return b.role(Role.SERVER).host(null);
    }

    /** Command lines that must run, with the complete options they must produce (starting from the defaults). */
    static Stream<Arguments> runs() {
        return Stream.of(
                run("-s", b -> server(b)),
                run("-c host", b -> client(b, "host")),
                run("-sD", b -> server(b).daemon(true)),
                run("-1s", b -> server(b).oneOff(true)),
                run("-s -p 5999 --idle-timeout 30 --rcv-timeout 200", b -> server(b).port(5999).idleTimeoutSec(30)
                        .rcvTimeoutMs(200).rcvTimeoutGiven(true)),
                run("-c h -P4 -t10", b -> client(b, "h").parallel(4).durationSec(10)),
                run("-c h --port=5999", b -> client(b, "h").port(5999)),
                run("-c h --port 5999", b -> client(b, "h").port(5999)),
                run("-c h --por 5999", b -> client(b, "h").port(5999)),
                run("-c 127.0.0.1%lo", b -> client(b, "127.0.0.1").bindDevice("lo")),
                run("-c fe80::1%eth0", b -> client(b, "fe80::1%eth0")),
                run("-c h%a%b", b -> client(b, "h").bindDevice("a")),
                run("-c %lo", b -> client(b, "%lo")),
                run("-B 10.0.0.1%eth0 -c h", b -> client(b, "h").bindAddress("10.0.0.1").bindDevice("eth0")),
                run("-c h%a --bind-dev x", b -> client(b, "h").bindDevice("x")),
                run("-c a -c b", b -> client(b, "b")),
                run("-c h -n 1.5K", b -> client(b, "h").bytes(1536).durationSec(0)),
                run("-c h -k 10", b -> client(b, "h").blocks(10).durationSec(0)),
                run("-c h -n 0 -t 2", b -> client(b, "h").durationSec(2)),
                run("-c h -t 0", b -> client(b, "h").durationSec(0)),
                run("-c h -t 86400", b -> client(b, "h").durationSec(86400)),
                run("-c h -l 64k", b -> client(b, "h").blockSize(65536)),
                run("-c h -l 4G", b -> client(b, "h").blockSize(0)),
                run("-c h -w 1m", b -> client(b, "h").window(1048576)),
                run("-c h -w 512M", b -> client(b, "h").window(512 * 1024 * 1024)),
                run("-c h -w 1.9K", b -> client(b, "h").window(1945)),
                run("-c h -b 1.5G/10", b -> client(b, "h").bitrate(1_500_000_000L).burst(10)),
                run("-c h -b 10m", b -> client(b, "h").bitrate(10_000_000L)),
                run("-c h --bandw 1M", b -> client(b, "h").bitrate(1_000_000L)),
                run("-c h -u", b -> client(b, "h").protocol(Transport.UDP)),
                run("-c h -u -b 0", b -> client(b, "h").protocol(Transport.UDP).bitrate(0)),
                run("-c h -l 65507 -u", b -> client(b, "h").protocol(Transport.UDP).blockSize(65507)),
                run("-c h -u -l 16", b -> client(b, "h").protocol(Transport.UDP).blockSize(16)),
                run("-c h --fq-rate 1k --pacing-timer 1k", b -> client(b, "h").fqRate(1000).pacingTimerUs(1024)),
                run("-s --server-bitrate-limit 1.5k/2.5", b -> server(b).serverBitrateLimit(1500)
                        .serverBitrateLimitInterval(2.5)),
                run("-s --server-bitrate-limit 10M", b -> server(b).serverBitrateLimit(10_000_000)),
                run("-c h -S 0x34", b -> client(b, "h").tos(52)),
                run("-c h -S 064", b -> client(b, "h").tos(52)),
                run("-c h --tos 52", b -> client(b, "h").tos(52)),
                run("-c h --dscp af11", b -> client(b, "h").tos(0x28)),
                run("-c h --dscp 10", b -> client(b, "h").tos(40)),
                run("-c h --dscp EF", b -> client(b, "h").tos(0xb8)),
                run("-c h -L 0xfffff", b -> client(b, "h").flowLabel(0xfffff)),
                run("-c h -A 0x10,3", b -> client(b, "h").affinity("16,3")),
                run("-s -A 2", b -> server(b).affinity("2")),
                run("-c h -d", b -> client(b, "h").debugLevel(4)),
                run("-c h -d 3", b -> client(b, "h").debugLevel(4)),
                run("-c h --debug=2", b -> client(b, "h").debugLevel(2)),
                run("-c h --debug=9", b -> client(b, "h").debugLevel(4)),
                run("-c h --timestamps", b -> client(b, "h").timestampFormat("%c ")),
                run("-c h --timestamps %H", b -> client(b, "h").timestampFormat("%c ")),
                run("-c h --timestamps=%H:%M", b -> client(b, "h").timestampFormat("%H:%M")),
                run("-c h --timestamps=", b -> client(b, "h").timestampFormat("")),
                run("-c -s", b -> client(b, "-s")),
                run("-c h extra words", b -> client(b, "h")),
                run("extra -c h", b -> client(b, "h")),
                run("-c h -- -s -x", b -> client(b, "h")),
                run("-c h -R --rcv-timeout 5000", b -> client(b, "h").reverse(true).rcvTimeoutMs(5000)
                        .rcvTimeoutGiven(true)),
                run("-c h --bidir --rcv-timeout=100", b -> client(b, "h").bidirectional(true).rcvTimeoutMs(100)
                        .rcvTimeoutGiven(true)),
                run("-c h -i 0", b -> client(b, "h").interval(0)),
                run("-c h -i 0.5", b -> client(b, "h").interval(0.5)),
                run("-c h -O 60", b -> client(b, "h").omitSec(60)),
                run("-c h -M 1460", b -> client(b, "h").mss(1460)),
                run("-s --rsa-private-key-path k --authorized-users-path u --time-skew-threshold 5", b -> server(b)
                        .rsaPrivateKeyPath(Path.of("k")).authorizedUsersPath(Path.of("u")).timeSkewThreshold(5)),
                run("-c h --username u --rsa-public-key-path p --use-pkcs1-padding", b -> client(b, "h").username("u")
                        .rsaPublicKeyPath(Path.of("p")).authPadding(RsaPadding.PKCS1)),
                // As iperf3 3.17+, --use-pkcs1-padding on a server: it takes PKCS#1 v1.5 tokens only.
                run("-s --use-pkcs1-padding", b -> server(b).authPadding(RsaPadding.PKCS1)),
                // iperf3j's: OAEP tokens only on a server (without either, it takes both: AUTO)
                run("-s --use-oaep-padding", b -> server(b).authPadding(RsaPadding.OAEP)),
                run("-c h --username u --rsa-public-key-path p --use-oaep-padding", b -> client(b, "h").username("u")
                        .rsaPublicKeyPath(Path.of("p")).authPadding(RsaPadding.OAEP)),
                // --total-rate: iperf3's decimal rate suffixes
                run("-s --total-rate 1600M", b -> server(b).totalRate(1_600_000_000L)),
                run("-s --total-rate 2G", b -> server(b).totalRate(2_000_000_000L)),
                run("-s --total-rate 500k", b -> server(b).totalRate(500_000L)),
                run("-s --total-rate 1000", b -> server(b).totalRate(1000L)),
                run("-s --total-rate 1k", b -> server(b).totalRate(1000L)),
                run("-s --total-rate 1T", b -> server(b).totalRate(1_000_000_000_000L)),
                run("-s --server-log", b -> server(b).serverLog(ServerLogFormat.TEXT)),
                run("-s --server-log=text", b -> server(b).serverLog(ServerLogFormat.TEXT)),
                run("-s --server-log=json", b -> server(b).serverLog(ServerLogFormat.JSON)),
                // getopt: an optional value attaches only with '='; a separate word is a stray one, ignored as iperf3 does.
                run("-s --server-log json", b -> server(b).serverLog(ServerLogFormat.TEXT)),
                run("-s --max-per-client 2", b -> server(b).maxPerClient(2)),
                run("-s --queue 4096 --queue-timeout 86400", b -> server(b).queue(4096).queueTimeoutSec(86400)),
                run("-s --cool-down 0", b -> server(b).coolDownSec(0)),
                run("-s --cool-down 86400", b -> server(b).coolDownSec(86400)),
                run("-s --queue 0", b -> server(b).queue(0).queueTimeoutSec(60)),
                run("-s -1 --max-per-client 0", b -> server(b).oneOff(true)),
                run("--loopback", b -> client(b, "127.0.0.1").port(0).loopback(true)),
                run("--loopback -6 -p 6000 -R", b -> client(b, "::1").port(6000).loopback(true)
                        .ipVersion(IpVersion.V6).reverse(true)),
                run("-s --json-stream --max-concurrent 4 --server-max-duration 60", b -> server(b).json(true)
                        .jsonStream(true).maxConcurrent(4).numberedReports(true).serverMaxDurationSec(60)),
                run("-c h -6 -4", b -> client(b, "h").ipVersion(IpVersion.V4)),
                run("-c h --linux-congestion bbr", b -> client(b, "h").congestion("bbr")),
                run("-c h -T t --extra-data x --get-server-output --repeating-payload --dont-fragment -ZN",
                        b -> client(b, "h").title("t").extraData("x").getServerOutput(true).repeatingPayload(true)
                                .dontFragment(true).zeroCopy(true).noDelay(true)),
                run("-s --udp-counters-64bit -B 0.0.0.0", b -> server(b).udpCounters64(true).bindAddress("0.0.0.0")),
                run("-c h -F /tmp/f -I /tmp/p --logfile /tmp/l --forceflush -V -fM", b -> client(b, "h")
                        .file(Path.of("/tmp/f")).pidFile(Path.of("/tmp/p")).logFile(Path.of("/tmp/l"))
                        .forceFlush(true).verbose(true).format('M')),
                run("-c h --connect-timeout 1k --snd-timeout 1000 --cport 6001", b -> client(b, "h")
                        .connectTimeoutMs(1024).sndTimeoutMs(1000).cport(6001)),
                run("-c h -J", b -> client(b, "h").json(true)),
                runArgs("-T with spaces and =", new String[] {"-c", "h", "--title=a = b", "--extra-data", ""},
                        b -> client(b, "h").title("a = b").extraData("")),
                runArgs("empty words are ignored", new String[] {"", "-c", "h", "-"}, b -> client(b, "h")));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("runs")
    void parsesLikeIperf3(String name, String[] args, UnaryOperator<IperfOptions.Builder> expected) {
        ParseResult result = OptionParser.parse(args);
        assertThat(result).isInstanceOf(ParseResult.Run.class);
        IperfOptions options = ((ParseResult.Run) result).options();
        assertThat(options).isEqualTo(expected.apply(IperfOptions.builder()).build());
    }

    private static Arguments fails(String line, String message) {
        return Arguments.of(line, words(line), message);
    }

    private static Arguments failsParam(String line, String text) {
        return fails(line, "iperf3j: parameter error - " + text);
    }

    static Stream<Arguments> failures() {
        return Stream.of(
                failsParam("", "must either be a client (-c) or server (-s)"),
                failsParam("-V -J", "must either be a client (-c) or server (-s)"),
                fails("--foo", "iperf3j: unrecognized option '--foo'"),
                fails("--foo=bar -s", "iperf3j: unrecognized option '--foo=bar'"),
                fails("-c", "iperf3j: option requires an argument -- 'c'"),
                fails("-s --port", "iperf3j: option '--port' requires an argument"),
                fails("-s --por", "iperf3j: option '--port' requires an argument"),
                fails("-x", "iperf3j: invalid option -- 'x'"),
                fails("-sx", "iperf3j: invalid option -- 'x'"),
                fails("-c h -d3", "iperf3j: invalid option -- '3'"),
                fails("--ver", "iperf3j: option '--ver' is ambiguous; possibilities: '--verbose' '--version'"
                        + " '--version4' '--version6'"),
                fails("-c h --b 1", "iperf3j: option '--b' is ambiguous; possibilities: '--bitrate' '--bytes'"
                        + " '--blockcount' '--bidir' '--bind' '--bind-dev'"),
                fails("-c h --ti=5", "iperf3j: option '--ti=5' is ambiguous; possibilities: '--time' '--timestamps'"
                        + " '--title' '--time-skew-threshold'"),
                fails("-s --json=1", "iperf3j: option '--json' doesn't allow an argument"),
                // deviation: iperf3j's --json-stream makes "--jso" ambiguous (3.12: "--json" doesn't allow...)
                fails("-s --jso=1", "iperf3j: option '--jso=1' is ambiguous; possibilities: '--json' '--json-stream'"
                        + " '--json-stream-full-output'"),
                fails("-s --one=1", "iperf3j: option '--one-off' doesn't allow an argument"),
                failsParam("-s -t 5", "some option you are trying to set is client only"),
                failsParam("-s -A 1,2", "some option you are trying to set is client only"),
                failsParam("-s --username u", "some option you are trying to set is client only"),
                failsParam("-c h -D", "some option you are trying to set is server only"),
                failsParam("-c h --rsa-private-key-path k", "some option you are trying to set is server only"),
                failsParam("-c h --max-concurrent 2", "some option you are trying to set is server only"),
                failsParam("-c h --use-pkcs1-padding --use-oaep-padding",
                        "--use-pkcs1-padding and --use-oaep-padding cannot be used together"),
                failsParam("-c h --server-log", "some option you are trying to set is server only"),
                failsParam("-s -c h", "cannot be both server and client"),
                failsParam("-c h -s", "cannot be both server and client"),
                failsParam("-c h -n 1 -t 1", "only one test end condition (-t, -n, -k) may be specified"),
                failsParam("-c h -t 0 -n 5", "only one test end condition (-t, -n, -k) may be specified"),
                failsParam("-n 1 -k 1", "only one test end condition (-t, -n, -k) may be specified"),
                failsParam("-c h -t -1", "test duration valid values are 0 to 86400 seconds"),
                // issue 46: a value that is not wholly a number gets the option's own error (atoi read "abc" as
                // 0, an endless test, and "1x" as 1); iperf3 3.12 and 3.21 take both
                failsParam("-c h -t abc", "test duration valid values are 0 to 86400 seconds"),
                failsParam("-c h -t 1x", "test duration valid values are 0 to 86400 seconds"),
                Arguments.of("-c h -t ''", new String[] {"-c", "h", "-t", ""},
                        "iperf3j: parameter error - test duration valid values are 0 to 86400 seconds"),
                failsParam("-c h -P 2x", "value out of range: -P 2x"),
                failsParam("-c h -O x", "bogus value for --omit"),
                failsParam("-c h -i abc", "invalid report interval (min = 0.1, max = 60 seconds)"),
                failsParam("-c h -i 1x", "invalid report interval (min = 0.1, max = 60 seconds)"),
                failsParam("-c h -p5999x", "port number must be between 1 and 65535 inclusive"),
                failsParam("-c h --cport 0x10", "port number must be between 1 and 65535 inclusive"),
                failsParam("-c h -M 1460B", "value out of range: -M 1460B"),
                failsParam("-c h -b 1M/2x", "invalid burst count (maximum = 1000)"),
                failsParam("-c h -S 0x34x", "bad TOS value (must be between 0 and 255 inclusive)"),
                failsParam("-c h -L 1x", "unable to set IPv6 flow label"),
                failsParam("-c h -A 1x,2", "unable to set CPU affinity: "),
                failsParam("-c h -A 1,x", "unable to set CPU affinity: "),
                failsParam("-c h -R --rcv-timeout 5s", "receive timeout value is incorrect or not in range: "),
                failsParam("-c h --snd-timeout x", "send timeout value is incorrect or not in range: "),
                failsParam("-s --idle-timeout 10s", "idle timeout parameter is not positive or larger than allowed limit"),
                failsParam("-s --server-bitrate-limit 1M/x", "int_errno=28: "),
                failsParam("-c h --cntl-ka=abc", "control connection Keepalive period should be larger than the full"
                        + " retry period (interval * count): "),
                failsParam("-s --max-concurrent x", "max concurrent tests must be between 1 and 1024 inclusive"),
                failsParam("-s --queue x", "queue length must be between 0 and 4096 inclusive (0 = answer busy)"),
                failsParam("-s --queue-timeout 1m", "queue timeout must be between 1 and 86400 seconds"),
                failsParam("-s --cool-down x", "cool-down must be between 0 and 86400 seconds"),
                failsParam("-s --server-max-duration 1h", "server max duration must be between 0 and 86400 seconds"
                        + " (0 = no limit)"),
                failsParam("-c h -t 86401", "test duration valid values are 0 to 86400 seconds"),
                failsParam("-c h -P 129", "number of parallel streams too large (maximum = 128)"),
                failsParam("-c h -P 0", "value out of range: -P 0"),
                failsParam("-c h -n -1", "value out of range: -n -1"),
                failsParam("-c h -b -5M", "value out of range: -b -5M"),
                failsParam("-c h -w -1", "value out of range: -w -1"),
                failsParam("-c h -l 1048577", "block size too large (maximum = 1048576 bytes)"),
                failsParam("-c h -l -1", "block size too large (maximum = 1048576 bytes)"),
                failsParam("-c h -l 15 -u", "block size invalid (minimum = 16 bytes, maximum = 65507 bytes)"),
                failsParam("-c h -u -l 1048576", "block size invalid (minimum = 16 bytes, maximum = 65507 bytes)"),
                failsParam("-c h -u -l 2M", "block size too large (maximum = 1048576 bytes)"),
                failsParam("-c h -u -l -1", "block size invalid (minimum = 16 bytes, maximum = 65507 bytes)"),
                failsParam("-c h -w 513M", "socket buffer size too large (maximum = 536870912 bytes)"),
                failsParam("-c h -M 9217", "TCP MSS too large (maximum = 9216 bytes)"),
                failsParam("-c h -O 61", "bogus value for --omit"),
                failsParam("-c h -i 0.05", "invalid report interval (min = 0.1, max = 60 seconds)"),
                failsParam("-c h -i nan", "invalid report interval (min = 0.1, max = 60 seconds)"),
                failsParam("-c h -b 1M/0", "invalid burst count (maximum = 1000)"),
                failsParam("-c h -b 1M/1001", "invalid burst count (maximum = 1000)"),
                failsParam("-c h -R --rcv-timeout 99", "receive timeout value is incorrect or not in range: "),
                failsParam("-c h --rcv-timeout 1000", "client receive timeout is valid only in receiving mode: "),
                failsParam("-c h --snd-timeout 86400001", "send timeout value is incorrect or not in range: "),
                failsParam("-s --idle-timeout 86401", "idle timeout parameter is not positive or larger than allowed limit"),
                failsParam("-s --time-skew-threshold 0", "skew threshold must be a positive number"),
                failsParam("-s --server-bitrate-limit 1/0.05", "int_errno=28: "),
                failsParam("-c h -p 65536", "port number must be between 1 and 65535 inclusive"),
                failsParam("-c h -p abc", "port number must be between 1 and 65535 inclusive"),
                failsParam("-c h --cport 0", "port number must be between 1 and 65535 inclusive"),
                failsParam("-c h -f x", "bad format specifier (valid formats are in the set [kmgtKMGT])"),
                failsParam("-c h -S 256", "bad TOS value (must be between 0 and 255 inclusive)"),
                failsParam("-c h -S abc", "bad TOS value (must be between 0 and 255 inclusive)"),
                failsParam("-c h --dscp 64", "bad TOS value (must be between 0 and 255 inclusive)"),
                failsParam("-c h --dscp 5x", "bad TOS value (must be between 0 and 255 inclusive)"),
                failsParam("-c h -L 0", "unable to set IPv6 flow label"),
                failsParam("-c h -A 1025", "unable to set CPU affinity: "),
                failsParam("-c h -A x", "unable to set CPU affinity: "),
                failsParam("-c h -A 1,1025", "unable to set CPU affinity: "),
                failsParam("-c h --sctp", "no SCTP support available"),
                failsParam("-s -X lo", "no SCTP support available"),
                failsParam("-c h --nstreams 2", "no SCTP support available"),
                failsParam("-c h -R --bidir", "cannot be both reverse and bidirectional"),
                failsParam("-c h --bidir -R", "cannot be both reverse and bidirectional"),
                failsParam("-c h --username u", "you must specify a username, password, and path to a valid RSA public key"),
                failsParam("-s --authorized-users-path u", "you must specify a path to a valid RSA private key and a user"
                        + " credential file"),
                failsParam("-s --max-concurrent 0", "max concurrent tests must be between 1 and 1024 inclusive"),
                failsParam("-s --total-rate 0", "total rate must be above 0 bits/sec"),
                failsParam("-s --total-rate -5M", "total rate must be above 0 bits/sec"),
                // issue 46: iperf3j's own option refuses what iperf3's unit_atof_rate would ignore, and a forgotten suffix
                failsParam("-s --total-rate 10Q", "--total-rate 10Q: invalid unit value or suffix (K, M, G or T)"),
                // issue 57: a unit value's unknown suffix, refused in 3.21's words (3.12 read -b 10Q as 10 bit/s)
                failsParam("-c h -b 10Q", "invalid unit value or suffix: '10Q'"),
                failsParam("-c h -b 10x/5", "invalid unit value or suffix: '10x'"),
                failsParam("-c h -n 10Q", "invalid unit value or suffix: '10Q'"),
                failsParam("-c h -k K", "invalid unit value or suffix: 'K'"),
                failsParam("-c h -l 10Q", "invalid unit value or suffix: '10Q'"),
                failsParam("-c h -w 4Q", "invalid unit value or suffix: '4Q'"),
                failsParam("-c h --fq-rate 1q", "invalid unit value or suffix: '1q'"),
                failsParam("-c h --pacing-timer 1q", "invalid unit value or suffix: '1q'"),
                failsParam("-c h --connect-timeout 1q", "invalid unit value or suffix: '1q'"),
                failsParam("-s --server-bitrate-limit 1Q", "invalid unit value or suffix: '1Q'"),
                // issue 57: iperf3 reads -t 0.5 as 0, no end; iperf3j says whole seconds
                failsParam("-c h -t 0.5", "-t 0.5: the test duration is whole seconds, 0 to 86400 (0 = no end);"
                        + " for a shorter test, end it by bytes (-n) or blocks (-k)"),
                // issue 57: iperf3j's own client options on a server, as iperf3's own are
                failsParam("-s --why", "some option you are trying to set is client only"),
                failsParam("-s --total-rate 10Mbit", "--total-rate 10Mbit: invalid unit value or suffix (K, M, G or T)"),
                failsParam("-s --total-rate fast", "--total-rate fast: invalid unit value or suffix (K, M, G or T)"),
                failsParam("-s --total-rate 50", "--total-rate 50: below 1 kbit/s; did you mean 50M?"),
                failsParam("-s --total-rate 999", "--total-rate 999: below 1 kbit/s; did you mean 999M?"),
                failsParam("-s --total-rate 0.5k", "--total-rate 0.5k: below 1 kbit/s"),
                failsParam("-s -1 --total-rate 1G", "--total-rate cannot be used with -1 (one test only)"),
                failsParam("-c h --total-rate 1G", "some option you are trying to set is server only"),
                failsParam("-s --server-log=xml", "server log format must be text or json"),
                failsParam("-s --max-per-client 1025", "max tests per client must be between 0 and 1024 inclusive"
                        + " (0 = no limit)"),
                failsParam("-s --max-per-client -1", "max tests per client must be between 0 and 1024 inclusive"
                        + " (0 = no limit)"),
                failsParam("-c h --max-per-client 2", "some option you are trying to set is server only"),
                failsParam("-s --queue 4097", "queue length must be between 0 and 4096 inclusive (0 = answer busy)"),
                failsParam("-s --queue-timeout 0", "queue timeout must be between 1 and 86400 seconds"),
                failsParam("-s --queue-timeout 86401", "queue timeout must be between 1 and 86400 seconds"),
                failsParam("-s --cool-down -1", "cool-down must be between 0 and 86400 seconds"),
                failsParam("-s --cool-down 86401", "cool-down must be between 0 and 86400 seconds"),
                failsParam("-c h --queue 2", "some option you are trying to set is server only"),
                failsParam("-s --queue 2 -1", "--queue and --max-per-client cannot be used with -1 (one test only)"),
                failsParam("-s -1 --max-per-client 2", "--queue and --max-per-client cannot be used with -1"
                        + " (one test only)"),
                failsParam("-s --server-max-duration -1", "server max duration must be between 0 and 86400 seconds"
                        + " (0 = no limit)"),
                failsParam("-c h --loopback", "--loopback runs its own server and client and cannot be combined with"
                        + " -s or -c"),
                failsParam("--loopback -s", "--loopback runs its own server and client and cannot be combined with"
                        + " -s or -c"),
                failsParam("--loopback -1", "some option you are trying to set is server only"),
                // order: the first problem on the command line wins, as in 3.12's getopt loop
                failsParam("-p 0 --foo", "port number must be between 1 and 65535 inclusive"),
                fails("--foo -p 0", "iperf3j: unrecognized option '--foo'"),
                failsParam("-c h -P 200 -p 0", "number of parallel streams too large (maximum = 128)"),
                // post-loop order: roles, client auth, server auth, rcv-timeout, block size, end conditions, role
                failsParam("-c h --rsa-private-key-path k --rcv-timeout 1000", "some option you are trying to set is"
                        + " server only"),
                failsParam("-c h --rcv-timeout 1000 --username x", "you must specify a username, password, and path"
                        + " to a valid RSA public key"),
                failsParam("-c h --time-skew-threshold 5 --username u", "you must specify a username, password, and"
                        + " path to a valid RSA public key"),
                failsParam("-c h --time-skew-threshold 5 --rcv-timeout 1000", "some option you are trying to set is"
                        + " server only"),
                failsParam("-c h -D --username u", "some option you are trying to set is server only"),
                failsParam("-c h --rcv-timeout 1000 -l 2M", "client receive timeout is valid only in receiving mode: "),
                failsParam("-c h -n 1 -k 1 -l 2M", "block size too large (maximum = 1048576 bytes)"),
                failsParam("-D -u", "must either be a client (-c) or server (-s)"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("failures")
    void failsLikeIperf3(String name, String[] args, String message) {
        assertThat(OptionParser.parse(args))
                .asInstanceOf(type(ParseResult.Failure.class))
                .satisfies(f -> {
                    assertThat(f.message()).isEqualTo(message);
                    assertThat(f.exitCode()).isEqualTo(1);
                    assertThat(f.showUsage()).isTrue();
                });
    }

    @Test
    void defaultsAreIperf3s() {
        IperfOptions o = ((ParseResult.Run) OptionParser.parse("-c", "h")).options();
        assertThat(o.port()).isEqualTo(5201);
        assertThat(o.format()).isEqualTo('a');
        assertThat(o.interval()).isEqualTo(1.0);
        assertThat(o.durationSec()).isEqualTo(10);
        assertThat(o.parallel()).isEqualTo(1);
        assertThat(o.protocol()).isEqualTo(Transport.TCP);
        assertThat(o.blockSize()).isZero(); // protocol default: 131072 for TCP
        assertThat(IperfOptions.DEFAULT_TCP_BLOCKSIZE).isEqualTo(131072);
        assertThat(o.effectiveBitrate()).isZero();
        assertThat(o.bitrate()).isEqualTo(-1);
        assertThat(o.burst()).isZero();
        assertThat(o.pacingTimerUs()).isEqualTo(1000);
        assertThat(o.fqRate()).isZero();
        assertThat(o.rcvTimeoutMs()).isEqualTo(120_000);
        assertThat(o.rcvTimeoutGiven()).isFalse();
        assertThat(o.omitSec()).isZero();
        assertThat(o.bytes()).isZero();
        assertThat(o.blocks()).isZero();
        assertThat(o.window()).isZero();
        assertThat(o.tos()).isZero();
        assertThat(o.debugLevel()).isZero();
        assertThat(o.timestampFormat()).isNull();
        assertThat(o.ipVersion()).isEqualTo(IpVersion.ANY);
        assertThat(o.loopback()).isFalse();

        IperfOptions udp = ((ParseResult.Run) OptionParser.parse("-c", "h", "-u")).options();
        assertThat(udp.effectiveBitrate()).isEqualTo(1024 * 1024);
        assertThat(udp.blockSize()).isZero(); // dynamic (MSS) or 1460

        IperfOptions s = ((ParseResult.Run) OptionParser.parse("-s")).options();
        assertThat(s.serverBitrateLimit()).isZero();
        assertThat(s.serverBitrateLimitInterval()).isEqualTo(5.0);
        assertThat(s.timeSkewThreshold()).isEqualTo(10);
        assertThat(s.idleTimeoutSec()).isZero();
        assertThat(s.oneOff()).isFalse();
        assertThat(s.maxConcurrent()).isEqualTo(IperfOptions.DEFAULT_MAX_CONCURRENT).isEqualTo(16);
        assertThat(s.serverMaxDurationSec()).isZero();
    }

    @Test
    void helpWherever3_12ShowsIt() {
        for (String[] args : List.of(new String[] {"-h"}, new String[] {"--help"}, new String[] {"--he"},
                new String[] {"-hv"}, new String[] {"-h", "--foo"}, new String[] {"-c", "h", "-h", "-p", "0"})) {
            assertThat(OptionParser.parse(args)).as(String.join(" ", args))
                    .isEqualTo(new ParseResult.Help(OptionParser.usage()));
        }
        assertThat(OptionParser.parse("--foo", "-h")).isInstanceOf(ParseResult.Failure.class);
        assertThat(OptionParser.parse("-p", "0", "-h")).isInstanceOf(ParseResult.Failure.class);
    }

    @Test
    void usageTextIsIperf3sLayoutWithIperf3jAdditions() {
        String usage = OptionParser.usage();
        assertThat(usage).startsWith("Usage: iperf3j [-s|-c host] [options]\n       iperf3j [-h|--help] [-v|--version]\n");
        assertThat(usage).endsWith("\n").doesNotContain("{").doesNotContain("${").doesNotContain("iperf3 [");
        assertThat(usage).contains("Server or Client:\n", "Server specific:\n", "Client specific:\n",
                "  -p, --port      #         server port to listen on/connect to\n",
                "  --json-stream ", "  --max-concurrent #        number of tests the server runs at the same time\n"
                        + "                            (default 16;",
                "  --server-max-duration # ", "  --server-log[=text|json]  one line", "  --use-pkcs1-padding ",
                "  --use-oaep-padding ", "(iperf3 3.16\n                            and older clients)", "(default: a server takes either, with no oracle;\n"
                        + "                            a client sends OAEP, then PKCS#1 v1.5 if denied)\n", "  --loopback ",
                "[KMG] indicates options that support a K/M/G suffix");
        assertThat(usage.indexOf("  --use-pkcs1-padding ")).as("a server option, after --time-skew-threshold, as in 3.21")
                .isGreaterThan(usage.indexOf("  --time-skew-threshold ")).isLessThan(usage.indexOf("Client specific:"));
        // every option the parser knows is documented
        for (String option : new String[] {"--port", "--format", "--interval", "--pidfile", "--file", "--affinity",
                "--bind", "--bind-dev", "--verbose", "--json", "--logfile", "--forceflush", "--timestamps",
                "--rcv-timeout", "--snd-timeout", "--debug", "--version", "--help", "--server", "--daemon",
                "--one-off", "--server-bitrate-limit", "--idle-timeout", "--rsa-private-key-path",
                "--authorized-users-path", "--time-skew-threshold", "--client", "--sctp", "--xbind", "--nstreams",
                "--udp", "--connect-timeout", "--bitrate", "--pacing-timer", "--fq-rate", "--time", "--bytes",
                "--blockcount", "--length", "--cport", "--parallel", "--reverse", "--bidir", "--window",
                "--congestion", "--set-mss", "--no-delay", "--version4", "--version6", "--tos", "--dscp",
                "--flowlabel", "--zerocopy", "--omit", "--title", "--extra-data", "--get-server-output",
                "--udp-counters-64bit", "--repeating-payload", "--dont-fragment", "--username",
                "--rsa-public-key-path"}) {
            assertThat(usage).contains(option);
        }
    }

    @Test
    void versionText() {
        for (String[] args : List.of(new String[] {"-v"}, new String[] {"--version"}, new String[] {"-v", "-p", "0"},
                new String[] {"-V", "-v"}, new String[] {"-v", "--foo"})) {
            assertThat(OptionParser.parse(args)).as(String.join(" ", args)).isInstanceOf(ParseResult.Version.class);
        }
        assertThat(OptionParser.parse("-p", "0", "-v")).isInstanceOf(ParseResult.Failure.class);
        String text = ((ParseResult.Version) OptionParser.parse("-v")).text();
        String[] lines = text.split("\n", -1);
        assertThat(lines).hasSize(4);
        assertThat(OptionParser.version()).isEqualTo("0.1.0"); // filtered from ${project.version}
        assertThat(lines[0]).isEqualTo("iperf3j 0.1.0 (wire-compatible with iperf 3.12)");
        assertThat(lines[1]).startsWith(System.getProperty("os.name") + " ").contains(System.getProperty("os.version"));
        // 3.21's words and order (iperf_util.c, get_optional_features), less SCTP, which iperf3j has not
        assertThat(lines[2]).isEqualTo("Optional features available: CPU affinity setting, IPv6 flow label,"
                + " TCP congestion algorithm setting, sendfile / zerocopy, socket pacing, authentication,"
                + " bind to device, support IPv4 don't fragment, POSIX threads, GSO/GRO support");
        assertThat(OptionParser.optionalFeatures(false)).as("without the native layer")
                .isEqualTo("sendfile / zerocopy, authentication, POSIX threads");
        assertThat(lines[3]).isEmpty();
    }

    @Test
    void warningsAs3_12PrintsThem() {
        ParseResult.Run run = (ParseResult.Run) OptionParser.parse("-c", "h", "-J", "-f", "k", "-V", "-d");
        assertThat(run.warnings()).containsExactly(
                "warning: Report format (-f) flag ignored with JSON output (-J)",
                "warning: Verbose output (-v) may interfere with JSON output (-J)",
                "warning: Debug output (-d) may interfere with JSON output (-J)");
        assertThat(((ParseResult.Run) OptionParser.parse("-c", "h", "-f", "k", "-V")).warnings()).isEmpty();
        assertThat(((ParseResult.Run) OptionParser.parse("-c", "h", "--json-stream", "-f", "m")).warnings())
                .containsExactly("warning: Report format (-f) flag ignored with JSON output (-J)");
        ParseResult.Run pacing = (ParseResult.Run) OptionParser.parse("-c", "h", "--no-fq-socket-pacing");
        assertThat(pacing.warnings()).containsExactly("Warning:  --no-fq-socket-pacing is deprecated");
        assertThat(pacing.options().fqRate()).isZero();
    }

    @Test
    void failureTextGoesToStderrWithTheShortUsage() {
        ParseResult.Failure param = (ParseResult.Failure) OptionParser.parse("-s", "-t", "5");
        assertThat(param.isParameterError()).isTrue();
        assertThat(param.output()).isEqualTo(OutputMode.TEXT);
        assertThat(param.stderrText()).isEqualTo(param.message() + "\n\nUsage: iperf3j [-s|-c host] [options]\n"
                + "Try `iperf3j --help' for more information.\n");

        ParseResult.Failure getopt = (ParseResult.Failure) OptionParser.parse("--foo");
        assertThat(getopt.isParameterError()).isFalse();
        assertThat(getopt.stderrText()).isEqualTo("iperf3j: unrecognized option '--foo'\n\n"
                + ParseResult.Failure.SHORT_USAGE);
        assertThat(getopt.errorText()).isEqualTo("unrecognized option '--foo'");
    }

    @Test
    void failureOfALineAskingForJsonIsJsonWhereverTheJsonOptionStands() {
        ParseResult.Failure before = (ParseResult.Failure) OptionParser.parse("-J", "-c", "h", "-t", "-1");
        ParseResult.Failure after = (ParseResult.Failure) OptionParser.parse("-c", "h", "-t", "-1", "-J");
        for (ParseResult.Failure f : List.of(before, after)) {
            assertThat(f.output()).isEqualTo(OutputMode.JSON);
            assertThat(f.stderrText()).isEmpty();
            assertThat(f.errorText()).isEqualTo("parameter error - test duration valid values are 0 to 86400 seconds");
        }
        ParseResult.Failure getopt = (ParseResult.Failure) OptionParser.parse("-c", "h", "--foo", "--json-stream");
        assertThat(getopt.output()).isEqualTo(OutputMode.JSON_STREAM);
        assertThat(getopt.errorText()).isEqualTo("unrecognized option '--foo'");
        assertThat(((ParseResult.Failure) OptionParser.parse("-c", "h", "-P", "0", "--json-stream",
                "--json-stream-full-output")).output()).isEqualTo(OutputMode.JSON_STREAM_FULL);
        // -J taken as -p's value is no -J; --json-stream-full-output alone is text, as in 3.21
        assertThat(((ParseResult.Failure) OptionParser.parse("-s", "-t", "1", "-p", "-J")).output())
                .isEqualTo(OutputMode.TEXT);
        assertThat(((ParseResult.Failure) OptionParser.parse("-s", "-t", "1", "--json-stream-full-output")).output())
                .isEqualTo(OutputMode.TEXT);
    }

    @Test
    void parseIsPureAndThreadSafe() throws Exception {
        List<String[]> lines = List.of(words("-c h -P 4 -t 20 -R"), words("-s -p 6000 -1"), words("--foo"),
                words("-c h -n 1 -t 1"), words("-c 127.0.0.1%lo -b 10M/5 -u -l 1400"), words("-v"));
        List<ParseResult> expected = lines.stream().map(OptionParser::parse).toList();
        try (ExecutorService pool = Executors.newFixedThreadPool(8)) {
            List<Future<Boolean>> futures = new ArrayList<>();
            for (int i = 0; i < 200; i++) {
                int k = i % lines.size();
                futures.add(pool.submit(() -> OptionParser.parse(lines.get(k)).equals(expected.get(k))));
            }
            for (Future<Boolean> f : futures) {
                assertThat(f.get()).isTrue();
            }
        }
        String[] args = {"-c", "h", "-t", "5"};
        OptionParser.parse(args);
        assertThat(args).containsExactly("-c", "h", "-t", "5");
    }
}
