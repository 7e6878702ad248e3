package io.iperf3j.export.exporter;

import io.iperf3j.export.Durations;

import java.io.IOException;
import java.io.PrintStream;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.function.Consumer;

/**
 * {@code iperf3j exporter [--listen [HOST]:PORT] [--timeout DURATION]}: serves
 * {@link ExporterServer} until a signal. {@code --listen} defaults to {@code :9579}
 * (all interfaces, iperf3_exporter's port; {@code --web.listen-address} is an
 * alias), {@code --timeout} to 30s ({@code --iperf3.timeout} is an alias).
 */
public final class ExporterCommand {
    /** The default listen address. */
    public static final String DEFAULT_LISTEN = ":9579";

    private ExporterCommand() {
    }

    /**
     * Runs the exporter until {@code onSignal}'s runnable is called.
     *
     * @param args the arguments after {@code exporter}
     * @param onSignal receives the action that stops the exporter (the command's signal handler)
     * @return the exit status: 0 after a stop, 1 for bad arguments or an address that cannot be bound
     */
    public static int run(List<String> args, PrintStream out, PrintStream err, Consumer<Runnable> onSignal) {
        String listen = DEFAULT_LISTEN;
        Duration timeout = ExporterServer.DEFAULT_TIMEOUT;
        try {
            for (int i = 0; i < args.size(); i++) {
                String a = args.get(i);
                String key = a;
                String value = null;
                int eq = a.indexOf('=');
                if (a.startsWith("--") && eq > 0) {
                    key = a.substring(0, eq);
                    value = a.substring(eq + 1);
                }
                switch (key) {
                    case "-h", "--help" -> {
                        out.print(usage());
                        out.flush();
                        return 0;
                    }
                    case "--listen", "--web.listen-address" -> {
                        listen = value != null ? value : next(args, ++i, key);
                    }
                    case "--timeout", "--iperf3.timeout" -> {
                        timeout = Durations.parse(key, value != null ? value : next(args, ++i, key));
                    }
                    default -> throw new IllegalArgumentException("unknown exporter option '" + a + "'");
                }
            }
        } catch (IllegalArgumentException e) {
            err.println("iperf3j: error - " + e.getMessage());
            err.print(usage());
            return 1;
        }
        InetSocketAddress address;
        try {
            address = address(listen);
        } catch (IllegalArgumentException e) {
            err.println("iperf3j: error - " + e.getMessage());
            return 1;
        }
        ExporterServer server;
        try {
            server = ExporterServer.start(address, timeout);
        } catch (IOException e) {
            err.println("iperf3j: error - unable to listen on " + listen + ": " + e.getMessage());
            return 1;
        }
        CountDownLatch stop = new CountDownLatch(1);
        onSignal.accept(stop::countDown);
        out.println("iperf3j exporter listening on " + server.address().getHostString() + ":" + server.port()
                + " (/metrics, /probe?target=HOST[:PORT])");
        out.flush();
        try {
            stop.await();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } finally {
            server.close();
        }
        return 0;
    }

    /** Parses {@code [HOST]:PORT} ({@code [v6]:PORT} for IPv6); no host = all interfaces. */
    public static InetSocketAddress address(String listen) {
        int colon = listen.lastIndexOf(':');
        if (colon < 0) {
            throw new IllegalArgumentException("--listen must be [HOST]:PORT, got '" + listen + "'");
        }
        String host = listen.substring(0, colon);
        if (host.startsWith("[") && host.endsWith("]")) {
            host = host.substring(1, host.length() - 1);
        }
        int port;
        try {
            port = Integer.parseInt(listen.substring(colon + 1));
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("invalid port in --listen '" + listen + "'");
        }
        if (port < 0 || port > 65535) {
            throw new IllegalArgumentException("invalid port in --listen '" + listen + "'");
        }
        return host.isEmpty() ? new InetSocketAddress(port) : new InetSocketAddress(host, port);
    }

    private static String next(List<String> args, int i, String key) {
        if (i >= args.size()) {
            throw new IllegalArgumentException(key + " requires a value");
        }
        return args.get(i);
    }

    /** The usage text. */
    public static String usage() {
        return """
                Usage: iperf3j exporter [--listen [HOST]:PORT] [--timeout DURATION]
                  --listen [HOST]:PORT   address to serve on (default :9579)
                  --timeout DURATION     longest probe, also capped by the scrape timeout (default 30s)
                Endpoints: /probe?target=HOST[:PORT]&port=&reverse_mode=&udp_mode=&bitrate=&period=&bind=
                           /metrics (exporter health and last results), /health
                """;
    }
}
