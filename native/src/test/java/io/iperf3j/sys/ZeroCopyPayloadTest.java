package io.iperf3j.sys;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * {@code -Z}'s nameless file over a real loopback connection: what {@code sendfile} sends is the
 * block's bytes, from any position; the file has no name (O_TMPFILE in the folder's file system, or
 * a memory file where the folder cannot hold one); and a sender blocked on a full socket
 * is ended by {@link ZeroCopyPayload#wakeSender} with the descriptor left open.
 */
class ZeroCopyPayloadTest {
    private static final int BLOCK = 128 * 1024;
    private static final java.nio.file.Path TMP = java.nio.file.Path.of(System.getProperty("java.io.tmpdir"));

    @Test
    @Timeout(value = 30, unit = TimeUnit.SECONDS)
    void sendsTheBlocksBytesFromAnyPosition() throws Exception {
        assertThat(NativeSocket.available()).as("FFM: run with --enable-native-access").isTrue();
        ByteBuffer block = ByteBuffer.allocateDirect(BLOCK);
        for (int i = 0; i < BLOCK; i++) {
            block.put(i, (byte) (i * 13 + 5));
        }
        try (ServerSocketChannel listener = ServerSocketChannel.open();
             ZeroCopyPayload payload = ZeroCopyPayload.of(block, TMP).orElseThrow()) {
            assertThat(payload.size()).isEqualTo(BLOCK);
            listener.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
            try (SocketChannel out = SocketChannel.open(listener.getLocalAddress());
                 SocketChannel in = listener.accept()) {
                NativeSocket socket = NativeSocket.of(out).orElseThrow();
                int rounds = 3;
                CompletableFuture<ByteBuffer> reader = CompletableFuture.supplyAsync(() -> {
                    ByteBuffer got = ByteBuffer.allocate(rounds * BLOCK - 1000);
                    try {
                        while (got.hasRemaining()) {
                            if (in.read(got) < 0) {
                                break;
                            }
                        }
                    } catch (java.io.IOException e) {
                        throw new IllegalStateException(e);
                    }
                    return got.flip();
                });
                long sent = 0;
                long position = 1000; // the first block from an offset, as a resumed partial send
                for (int r = 0; r < rounds; r++) {
                    while (position < BLOCK) {
                        long n = payload.sendTo(socket, position, BLOCK - position);
                        assertThat(n).as("sendfile result").isPositive();
                        position += n;
                        sent += n;
                    }
                    position = 0;
                }
                assertThat(sent).isEqualTo(rounds * BLOCK - 1000L);
                ByteBuffer got = reader.get(20, TimeUnit.SECONDS);
                assertThat(got.remaining()).isEqualTo(rounds * BLOCK - 1000);
                for (int i = 0; i < got.remaining(); i++) {
                    int offset = (i + 1000) % BLOCK;
                    assertThat(got.get(i)).as("byte %d", i).isEqualTo((byte) (offset * 13 + 5));
                }
            }
        }
    }

    @Test
    @Timeout(value = 30, unit = TimeUnit.SECONDS)
    void theFileHasNoNameInTheFolderOrInMemory() throws Exception {
        assertThat(NativeSocket.available()).as("FFM: run with --enable-native-access").isTrue();
        java.nio.file.Path folder = java.nio.file.Files.createTempDirectory("zerocopy-test");
        try {
            try (ZeroCopyPayload payload = ZeroCopyPayload.of(ByteBuffer.allocateDirect(4096), folder).orElseThrow()) {
                String target = java.nio.file.Files.readSymbolicLink(
                        java.nio.file.Path.of("/proc/self/fd/" + payload.descriptor())).toString();
                // O_TMPFILE: "<folder>/#<inode> (deleted)"; on a file system without it, "/memfd:..."
                assertThat(target).matches("(" + java.util.regex.Pattern.quote(folder.toString())
                        + "/#\\d+ \\(deleted\\)|/memfd:iperf3j-zerocopy \\(deleted\\))");
                String store = java.nio.file.Files.getFileStore(folder).type();
                if (java.util.Set.of("ext4", "tmpfs", "xfs", "btrfs").contains(store)) {
                    assertThat(target).as("O_TMPFILE on %s", store).startsWith(folder + "/#");
                }
                try (var entries = java.nio.file.Files.list(folder)) {
                    assertThat(entries.toList()).as("names in the folder").isEmpty();
                }
            }
            java.nio.file.Path missing = folder.resolve("missing");
            try (ZeroCopyPayload inMemory = ZeroCopyPayload.of(ByteBuffer.allocateDirect(4096), missing).orElseThrow()) {
                assertThat(java.nio.file.Files.readSymbolicLink(
                        java.nio.file.Path.of("/proc/self/fd/" + inMemory.descriptor())).toString())
                        .as("no folder: a memory file").startsWith("/memfd:iperf3j-zerocopy");
                assertThat(inMemory.size()).isEqualTo(4096);
            }
        } finally {
            java.nio.file.Files.deleteIfExists(folder);
        }
    }

    @Test
    @Timeout(value = 30, unit = TimeUnit.SECONDS)
    void wakeSenderEndsASendBlockedOnAFullSocket() throws Exception {
        assertThat(NativeSocket.available()).as("FFM: run with --enable-native-access").isTrue();
        try (ServerSocketChannel listener = ServerSocketChannel.open();
             ZeroCopyPayload payload = ZeroCopyPayload.of(ByteBuffer.allocateDirect(BLOCK), TMP).orElseThrow()) {
            listener.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
            try (SocketChannel out = SocketChannel.open(listener.getLocalAddress());
                 SocketChannel in = listener.accept()) { // never read: the sender's buffer fills
                NativeSocket socket = NativeSocket.of(out).orElseThrow();
                CompletableFuture<Long> sender = CompletableFuture.supplyAsync(() -> {
                    while (true) {
                        long n = payload.sendTo(socket, 0, BLOCK);
                        if (n < 0 && n != ZeroCopyPayload.EINTR) {
                            return n;
                        }
                    }
                });
                Thread.sleep(500);
                assertThat(sender).as("blocked on the full socket").isNotDone();
                ZeroCopyPayload.wakeSender(socket);
                long result = sender.get(5, TimeUnit.SECONDS);
                assertThat(result).as("-errno after the wake-up").isNegative();
                assertThat(payload.errorText(result)).isEqualTo("Broken pipe");
                assertThat(out.isOpen()).as("the descriptor stays open").isTrue();
                assertThat(in.isOpen()).isTrue();
            }
        }
    }
}
