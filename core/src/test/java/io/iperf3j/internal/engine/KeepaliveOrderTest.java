package io.iperf3j.internal.engine;

import io.iperf3j.internal.options.IperfOptions.ControlKeepalive;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.net.SocketAddress;
import java.net.SocketOption;
import java.net.StandardSocketOptions;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.nio.channels.spi.SelectorProvider;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

import jdk.net.ExtendedSocketOptions;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@code --cntl-ka} arms keepalive only once its times are in place: with SO_KEEPALIVE first, the
 * timer ran on the system's 7200 s until TCP_KEEPIDLE followed, and {@code ss} saw it (run 17).
 */
class KeepaliveOrderTest {
    @Test
    void keepaliveIsSwitchedOnAfterItsTimes() throws Exception {
        RecordingChannel ch = new RecordingChannel();
        String line = KeepaliveSocketOptions.apply(ch, new ControlKeepalive(20, 4, 3), m -> { });
        assertThat(line).endsWith("20/4/3");
        assertThat(ch.set).containsExactly(ExtendedSocketOptions.TCP_KEEPIDLE, ExtendedSocketOptions.TCP_KEEPINTERVAL,
                ExtendedSocketOptions.TCP_KEEPCOUNT, StandardSocketOptions.SO_KEEPALIVE);
    }

    /** A control channel that only records which options were set, in order. */
    private static final class RecordingChannel extends SocketChannel {
        final List<SocketOption<?>> set = new ArrayList<>();

        RecordingChannel() {
            super(SelectorProvider.provider());
        }

        @Override
        public <T> SocketChannel setOption(SocketOption<T> name, T value) {
            set.add(name);
            return this;
        }

        @Override
        public <T> T getOption(SocketOption<T> name) {
            throw new UnsupportedOperationException("every value was given");
        }

        @Override
        public Set<SocketOption<?>> supportedOptions() {
            return Set.of();
        }

        @Override
        public SocketChannel bind(SocketAddress local) {
            return this;
        }

        @Override
        public SocketChannel shutdownInput() {
            return this;
        }

        @Override
        public SocketChannel shutdownOutput() {
            return this;
        }

        @Override
        public java.net.Socket socket() {
            throw new UnsupportedOperationException();
        }

        @Override
        public boolean isConnected() {
            return true;
        }

        @Override
        public boolean isConnectionPending() {
            return false;
        }

        @Override
        public boolean connect(SocketAddress remote) {
            return true;
        }

        @Override
        public boolean finishConnect() {
            return true;
        }

        @Override
        public SocketAddress getRemoteAddress() {
            return null;
        }

        @Override
        public int read(ByteBuffer dst) {
            return -1;
        }

        @Override
        public long read(ByteBuffer[] dsts, int offset, int length) {
            return -1;
        }

        @Override
        public int write(ByteBuffer src) {
            return 0;
        }

        @Override
        public long write(ByteBuffer[] srcs, int offset, int length) {
            return 0;
        }

        @Override
        public SocketAddress getLocalAddress() {
            return null;
        }

        @Override
        protected void implCloseSelectableChannel() throws IOException {
        }

        @Override
        protected void implConfigureBlocking(boolean block) {
        }
    }
}
