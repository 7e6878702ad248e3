package io.iperf3j.session.internal.connect;

import java.io.IOException;
import java.util.Objects;
import org.apache.sshd.client.channel.AsyncCapableClientChannel;
import org.apache.sshd.client.future.DefaultOpenFuture;
import org.apache.sshd.client.future.OpenFuture;
import org.apache.sshd.common.SshConstants;
import org.apache.sshd.common.SshException;
import org.apache.sshd.common.channel.LocalWindow;
import org.apache.sshd.common.util.buffer.Buffer;

/**
 * An SSH channel to a UNIX socket on the server: OpenSSH's {@code direct-streamlocal@openssh.com} (its PROTOCOL file,
 * 2.4), which sshd connects as the logged-in user (so the socket's server knows that user by {@code SO_PEERCRED}) when
 * its {@code AllowStreamLocalForwarding} allows it, which by default it does. The host-slots service is reached so
 * ({@code SlotClient}): no program on the host between the controller and the service.
 *
 * <p>Why written here: MINA SSHD 2.16's client has {@code direct-tcpip} ({@code ChannelDirectTcpip}) and no
 * stream-local channel; this is that channel's open message with the socket's path in place of the address and port,
 * the streams MINA's own (blocking streams, as an exec channel's).
 */
final class ChannelDirectStreamLocal extends AsyncCapableClientChannel {
    /** The channel type OpenSSH names. */
    static final String TYPE = "direct-streamlocal@openssh.com";
    private final String socketPath;

    ChannelDirectStreamLocal(String socketPath) {
        super(TYPE, false);
        this.socketPath = Objects.requireNonNull(socketPath, "socketPath");
    }

    @Override
    public synchronized OpenFuture open() throws IOException {
        if (closeFuture.isClosed()) {
            throw new SshException("Session has been closed");
        }
        openFuture = new DefaultOpenFuture(socketPath, futureLock);
        LocalWindow window = getLocalWindow();
        String type = getChannelType();
        Buffer buffer = getSession().createBuffer(SshConstants.SSH_MSG_CHANNEL_OPEN, type.length() + socketPath.length() + 64);
        buffer.putString(type);
        buffer.putUInt(getChannelId());
        buffer.putUInt(window.getSize());
        buffer.putUInt(window.getPacketSize());
        buffer.putString(socketPath);
        // reserved: a string and a uint32, as OpenSSH's client sends them
        buffer.putString("");
        buffer.putUInt(0);
        writePacket(buffer);
        return openFuture;
    }
}
