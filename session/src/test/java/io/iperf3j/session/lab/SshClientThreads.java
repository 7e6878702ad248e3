package io.iperf3j.session.lab;

import java.util.HashSet;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Samples this JVM's threads while a plan runs in it, for the MINA SSH clients behind them: each client's
 * threads are named {@code sshd-SshClient[ID]-nio2-thread-N}, {@code …-nio2-resume-thread-N} and
 * {@code …-timer-thread-N}. The most clients alive at once and the most of their threads, over the samples.
 */
final class SshClientThreads implements AutoCloseable {
    private static final Pattern CLIENT = Pattern.compile("sshd-(SshClient\\[[^\\]]*\\])-");
    private final Thread sampler;
    private volatile boolean stop;
    private volatile int mostClients;
    private volatile int mostThreads;
    private volatile int samples;

    private SshClientThreads() {
        sampler = Thread.ofPlatform().daemon().name("ssh-client-threads").start(this::sampleUntilClosed);
    }

    /** Starts sampling every 20 ms. */
    static SshClientThreads sample() {
        return new SshClientThreads();
    }

    private void sampleUntilClosed() {
        while (!stop) {
            Set<String> clients = new HashSet<>();
            int threads = 0;
            for (Thread t : Thread.getAllStackTraces().keySet()) {
                Matcher m = CLIENT.matcher(t.getName());
                if (m.find()) {
                    clients.add(m.group(1));
                    threads++;
                }
            }
            mostClients = Math.max(mostClients, clients.size());
            mostThreads = Math.max(mostThreads, threads);
            samples++;
            try {
                Thread.sleep(20);
            } catch (InterruptedException e) {
                return;
            }
        }
    }

    /** The most MINA clients alive at once. */
    int mostClients() {
        return mostClients;
    }

    /** The most threads of MINA clients alive at once. */
    int mostThreads() {
        return mostThreads;
    }

    /** How many samples were taken. */
    int samples() {
        return samples;
    }

    @Override
    public void close() {
        stop = true;
        try {
            sampler.join(1000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
