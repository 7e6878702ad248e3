package io.iperf3j.session.internal.connect;

import java.io.IOException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.nio.file.Path;
import java.util.List;
import org.apache.sshd.agent.SshAgent;
import org.apache.sshd.agent.SshAgentFactory;
import org.apache.sshd.agent.SshAgentServer;
import org.apache.sshd.agent.common.AbstractAgentProxy;
import org.apache.sshd.common.FactoryManager;
import org.apache.sshd.common.channel.ChannelFactory;
import org.apache.sshd.common.session.ConnectionService;
import org.apache.sshd.common.session.Session;
import org.apache.sshd.common.util.buffer.Buffer;
import org.apache.sshd.common.util.buffer.ByteArrayBuffer;

/**
 * The keys of a running {@code ssh-agent}, reached at its Unix socket ({@code SSH_AUTH_SOCK}),
 * for MINA SSHD's public-key login: MINA speaks the agent protocol ({@link AbstractAgentProxy}
 * lists keys and asks for signatures), this class only carries its messages over the socket.
 * Why not MINA's own {@code UnixAgentFactory}: it reaches the socket through Tomcat APR, a native
 * library ({@code libtcnative}) that is not on a plain host; the JDK has had Unix-domain socket
 * channels since 16. An agent that cannot be reached is left out (OpenSSH does the same): the
 * login goes on with the identity files. No agent forwarding (never asked for).
 */
public final class UnixSocketAgent implements SshAgentFactory {
    /** Largest agent answer read (OpenSSH's agent limits its messages to 256 KiB). */
    public static final int MAX_MESSAGE = 256 * 1024;
    private final Path socket;

    /** The agent listening at {@code socket}. */
    public UnixSocketAgent(Path socket) {
        this.socket = socket;
    }

    @Override
    public List<ChannelFactory> getChannelForwardingFactories(FactoryManager manager) {
        return List.of();
    }

    /** A connection to the agent, or null (no agent keys) when the socket does not answer. */
    @Override
    public SshAgent createClient(Session session, FactoryManager manager) {
        try {
            SocketChannel channel = SocketChannel.open(StandardProtocolFamily.UNIX);
            try {
                channel.connect(UnixDomainSocketAddress.of(socket));
            } catch (IOException e) {
                channel.close();
                throw e;
            }
            return new Proxy(channel);
        } catch (IOException e) {
            return null;
        }
    }

    @Override
    public SshAgentServer createServer(ConnectionService service) {
        throw new UnsupportedOperationException("agent forwarding is not offered");
    }

    /** One agent connection: a request is written whole and its one answer read whole. */
    private static final class Proxy extends AbstractAgentProxy {
        private final SocketChannel channel;

        Proxy(SocketChannel channel) {
            super(null);
            this.channel = channel;
        }

        @Override
        protected synchronized Buffer request(Buffer buffer) throws IOException {
            channel.write(ByteBuffer.wrap(buffer.array(), buffer.rpos(), buffer.available()));
            ByteBuffer length = readFully(4);
            int n = length.getInt();
            if (n < 1 || n > MAX_MESSAGE) {
                throw new IOException("ssh-agent answered a message of " + n + " bytes (1.." + MAX_MESSAGE + ")");
            }
            return new ByteArrayBuffer(readFully(n).array());
        }

        private ByteBuffer readFully(int n) throws IOException {
            ByteBuffer b = ByteBuffer.allocate(n);
            while (b.hasRemaining()) {
                if (channel.read(b) < 0) {
                    throw new IOException("ssh-agent closed the connection");
                }
            }
            return b.flip();
        }

        @Override
        public boolean isOpen() {
            return channel.isOpen();
        }

        @Override
        public void close() throws IOException {
            try {
                channel.close();
            } finally {
                super.close();
            }
        }
    }
}
