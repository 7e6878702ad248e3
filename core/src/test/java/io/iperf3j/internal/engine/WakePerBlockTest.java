package io.iperf3j.internal.engine;

import io.iperf3j.Direction;
import io.iperf3j.internal.options.IperfOptions;
import io.iperf3j.internal.options.OptionParser;
import io.iperf3j.internal.options.ParseResult;
import io.iperf3j.internal.protocol.TestParameters;
import io.iperf3j.internal.stats.TestRecord;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Which receivers set the receive low-water mark ({@link StreamFactory#wakesPerBlock}): those of a
 * paced sender, and of a test of one stream in one direction (issue 68). Each record is made as a test
 * makes it: the client's options become the parameters it sends, and the server's record is filled from them.
 */
class WakePerBlockTest {

    private static IperfOptions client(String... args) {
        String[] argv = new String[args.length + 2];
        argv[0] = "-c";
        argv[1] = "h";
        System.arraycopy(args, 0, argv, 2, args.length);
        return ((ParseResult.Run) OptionParser.parse(argv)).options();
    }

    private static TestRecord record(boolean clientSide, String... clientArgs) {
        IperfOptions options = client(clientArgs);
        TestRecord rec = new TestRecord(clientSide, options);
        TestSettings.apply(rec, TestParameters.of(options, 0, null), clientSide);
        return rec;
    }

    @Test
    void aServerReceivingAPacedClientWakesPerBlock() {
        assertThat(StreamFactory.wakesPerBlock(Direction.RECEIVER, record(false, "-b", "5G"), null)).isTrue();
        assertThat(StreamFactory.wakesPerBlock(Direction.RECEIVER, record(false, "-b", "5G", "-P", "4"), null))
                .isTrue();
    }

    @Test
    void theReceiverOfOneUnpacedStreamWakesPerBlock() {
        // it has a core of its own and keeps up, woken per burst without the mark
        assertThat(StreamFactory.wakesPerBlock(Direction.RECEIVER, record(false), null)).isTrue();
        assertThat(StreamFactory.wakesPerBlock(Direction.RECEIVER, record(true, "-R"), null)).isTrue();
        assertThat(StreamFactory.wakesPerBlock(Direction.RECEIVER, record(false, "-P", "1"), null)).isTrue();
    }

    @Test
    void aReceiverOfManyUnpacedStreamsDoesNot() {
        // the receivers are behind and find whole blocks queued; the mark would only add ACKs
        assertThat(StreamFactory.wakesPerBlock(Direction.RECEIVER, record(false, "-P", "2"), null)).isFalse();
        assertThat(StreamFactory.wakesPerBlock(Direction.RECEIVER, record(false, "-P", "4"), null)).isFalse();
        assertThat(StreamFactory.wakesPerBlock(Direction.RECEIVER, record(true, "-R", "-P", "4"), null)).isFalse();
        assertThat(StreamFactory.wakesPerBlock(Direction.RECEIVER, record(true, "--bidir"), null)).isFalse();
        assertThat(StreamFactory.wakesPerBlock(Direction.RECEIVER, record(false, "--bidir"), null)).isFalse();
    }

    @Test
    void aReverseOrBidirectionalClientKnowsItsOwnRate() {
        assertThat(StreamFactory.wakesPerBlock(Direction.RECEIVER, record(true, "-R", "-b", "5G"), null)).isTrue();
        assertThat(StreamFactory.wakesPerBlock(Direction.RECEIVER, record(true, "--bidir", "-b", "1G"), null))
                .isTrue();
        assertThat(StreamFactory.wakesPerBlock(Direction.RECEIVER, record(false, "--bidir", "-b", "1G"), null))
                .isTrue();
    }

    @Test
    void aSenderAFixedBufferOrAReadPacerNever() {
        assertThat(StreamFactory.wakesPerBlock(Direction.SENDER, record(true, "-b", "5G"), null)).isFalse();
        assertThat(StreamFactory.wakesPerBlock(Direction.SENDER, record(false, "-R", "-b", "5G"), null)).isFalse();
        assertThat(StreamFactory.wakesPerBlock(Direction.RECEIVER, record(false, "-b", "5G", "-w", "1M"), null))
                .isFalse();
        assertThat(StreamFactory.wakesPerBlock(Direction.RECEIVER, record(false, "-b", "5G"),
                new RateShare(1_000_000_000L))).isFalse();
    }
}
