package io.iperf3j.internal.engine;

import java.io.IOException;
import java.lang.foreign.Arena;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.SplittableRandom;

/** The bytes a stream sends: random (iperf3's default) or iperf2's repeating {@code 0123456789}. */
public final class Payload {
    private Payload() {
    }

    private static final int PAGE = 4096;

    /**
     * A buffer of exactly {@code size} bytes in {@code memory} that starts on a page boundary,
     * as iperf3's (malloc'd, so mmap'ed at 128 KiB) buffer does. The kernel copies a block into
     * and out of socket buffers with {@code rep movsb}; a source or destination off a cache-line
     * boundary (a plain {@code allocateDirect} is only 16-byte aligned) makes each copy straddle
     * lines. Its native memory is freed when the owner closes the arena (a stream, when its
     * worker has left the buffer), not when a GC finds the buffer unreachable: an
     * {@code allocateDirect} buffer that outlives a few young collections is promoted, and then
     * waits for a full GC; on a server that idles between tests that was megabytes of ended
     * tests' blocks (docs/design/footprint.md).
     */
    public static ByteBuffer aligned(Arena memory, int size) {
        return memory.allocate(size, PAGE).asByteBuffer();
    }

    /** A buffer of {@code size} payload bytes in {@code memory} (as {@link #aligned}), position 0, limit size. */
    public static ByteBuffer buffer(Arena memory, int size, boolean repeating, long seed) {
        ByteBuffer b = aligned(memory, size);
        fill(b, repeating, seed);
        b.flip();
        return b;
    }

    static void fill(ByteBuffer b, boolean repeating, long seed) {
        if (repeating) {
            for (int i = 0; b.hasRemaining(); i++) {
                b.put((byte) ('0' + i % 10));
            }
        } else {
            // SplittableRandom(seed)'s nextLong() sequence, computed inline into an array and put in one
            // bulk copy: a block is filled once per stream, before the test, so this loop runs
            // interpreted; a putLong and a nextLong per 8 bytes were ~6 ms of a 128 KiB block (each
            // a chain of five interpreted calls), this is ~1 (issue 68).
            long[] words = new long[b.remaining() / 8];
            long s = seed;
            for (int i = 0; i < words.length; i++) {
                s += GOLDEN_GAMMA;
                long z = (s ^ (s >>> 30)) * 0xbf58476d1ce4e5b9L;
                z = (z ^ (z >>> 27)) * 0x94d049bb133111ebL;
                words[i] = z ^ (z >>> 31);
            }
            b.asLongBuffer().put(words);
            b.position(b.position() + words.length * 8);
            SplittableRandom r = new SplittableRandom(s);
            while (b.hasRemaining()) {
                b.put((byte) r.nextInt());
            }
        }
    }

    /** SplittableRandom's increment (the odd integer nearest 2^64 / phi). */
    private static final long GOLDEN_GAMMA = 0x9e3779b97f4a7c15L;

    /** The folder {@code -Z}'s file goes in (its file system, for a nameless file): {@code java.io.tmpdir}. */
    static Path temporaryFolder() {
        return Path.of(System.getProperty("java.io.tmpdir"));
    }

    /**
     * An unlinked temporary file holding one block, for {@code -Z} where FFM cannot be used
     * ({@code ZeroCopyPayload} is the usual path): the kernel then sends from the page cache
     * ({@code sendfile}) without copying from user space, as iperf3 does from the file behind its buffer.
     */
    static FileChannel zeroCopySource(ByteBuffer block) throws IOException {
        Path dir = temporaryFolder();
        Path file = Files.createTempFile(dir, "iperf3j-zerocopy", ".bin");
        FileChannel ch = FileChannel.open(file, StandardOpenOption.READ, StandardOpenOption.WRITE,
                StandardOpenOption.DELETE_ON_CLOSE);
        try {
            Files.deleteIfExists(file); // unlinked at once; the open channel keeps the data
            ByteBuffer copy = block.duplicate();
            while (copy.hasRemaining()) {
                ch.write(copy, copy.position());
            }
        } catch (IOException e) {
            ch.close();
            throw e;
        }
        return ch;
    }
}
