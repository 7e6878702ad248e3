package io.iperf3j.link;

import io.iperf3j.link.internal.DatagramCodec;
import io.iperf3j.link.internal.MalformedDatagramException;
import io.iperf3j.link.internal.RecordCodec;
import io.iperf3j.link.internal.TypeTable;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.nio.ByteBuffer;
import java.util.HexFormat;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

@Timeout(30)
class CodecTest {
    private static TypeTable table() {
        TypeTable t = new TypeTable();
        t.addUser(21, "Chat", Msg.Chat.class);
        t.addUser(22, "Blob", Msg.Blob.class);
        return t;
    }

    @Test
    void everyFieldKindRoundTripsInDeclarationOrder() throws Exception {
        TypeTable t = table();
        Msg.Chat c = new Msg.Chat(65535, "héllo ✓", "abc", true, -2.5, 255);
        byte[] body = t.of(Msg.Chat.class).encode(c, 1395);
        // type 21; u16 room; u16 len + UTF-8; 8 fixed bytes; bool; f64; u8
        String hex = HexFormat.of().formatHex(body);
        assertThat(hex).startsWith("15" + "ffff" + "000a" + HexFormat.of().formatHex("héllo ✓".getBytes("UTF-8"))
                + "6162630000000000" + "01" + "c004000000000000" + "ff");
        ByteBuffer d = ByteBuffer.allocate(5 + body.length);
        DatagramCodec.put(d, 7, 0, DatagramCodec.FLAG_RELIABLE, body);
        d.flip();
        List<DatagramCodec.Message> m = DatagramCodec.decode(d, t, 1400);
        assertThat(m).hasSize(1);
        assertThat(m.getFirst().body()).isEqualTo(c);
        assertThat(m.getFirst().messageId()).isEqualTo(7);
    }

    @Test
    void stringLengthCountsEncodedBytesNotCharacters() {
        // legume's varstring wrote len(characters): 3 characters of 2-4 bytes each broke the frame.
        byte[] body = table().of(Msg.Blob.class).encode(new Msg.Blob("é✓😀"), 1395);
        assertThat(ByteBuffer.wrap(body, 1, 2).getShort()).isEqualTo((short) (2 + 3 + 4));
        assertThat(body.length).isEqualTo(1 + 2 + 9);
    }

    @Test
    void aMessageThatCanNeverFitIsRefusedAtSendWithItsSize() {
        TypeTable t = table();
        assertThat(t.of(Msg.Blob.class).encode(new Msg.Blob("x".repeat(1392)), 1395)).hasSize(1395);
        assertThatThrownBy(() -> t.of(Msg.Blob.class).encode(new Msg.Blob("x".repeat(1393)), 1395))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("Blob (type 22) is 1401 bytes").hasMessageContaining("at most 1400");
    }

    @Test
    void outOfRangeValuesAreRefused() {
        RecordCodec c = table().of(Msg.Chat.class);
        assertThatThrownBy(() -> c.encode(new Msg.Chat(65536, "", "", false, 0, 0), 1395)).hasMessageContaining("room = 65536");
        assertThatThrownBy(() -> c.encode(new Msg.Chat(1, "", "", false, 0, 256), 1395)).hasMessageContaining("level = 256");
        assertThatThrownBy(() -> c.encode(new Msg.Chat(1, "", "123456789", false, 0, 1), 1395)).hasMessageContaining("holds 8");
        assertThatThrownBy(() -> c.encode(new Msg.Chat(1, null, "", false, 0, 1), 1395)).hasMessageContaining("null");
    }

    @Test
    void registryRefusesDuplicatesAndReservedIds() {
        assertThatThrownBy(() -> MessageTypes.builder().add(19, "X", Msg.Seq.class)).hasMessageContaining("20..255");
        assertThatThrownBy(() -> MessageTypes.builder().add(20, "A", Msg.Seq.class).add(20, "B", Msg.Blob.class))
                .hasMessageContaining("id 20 is already A");
        assertThatThrownBy(() -> MessageTypes.builder().add(20, "A", Msg.Seq.class).add(21, "A", Msg.Blob.class))
                .hasMessageContaining("name A");
        assertThatThrownBy(() -> MessageTypes.builder().add(20, "A", Msg.Seq.class).add(21, "B", Msg.Seq.class))
                .hasMessageContaining("already registered");
        record Bad(long x) {
        }
        assertThatThrownBy(() -> MessageTypes.builder().add(30, "Bad", Bad.class)).hasMessageContaining("has type long");
    }

    @Test
    void malformedDatagramsAreRefusedWhole() {
        TypeTable t = table();
        for (String hex : List.of("", "0001", "000000000002", "0000000003" + "09" + "0001", "0000000100" + "09" + "0001",
                "0000000003" + "09" + "0001", "0000000000" + "ff", "0000000000" + "16" + "0005" + "6162",
                "0000000000" + "16" + "0002" + "c328")) {
            assertThatThrownBy(() -> DatagramCodec.decode(ByteBuffer.wrap(HexFormat.of().parseHex(hex)), t, 1400))
                    .as(hex).isInstanceOf(MalformedDatagramException.class);
        }
        assertThatThrownBy(() -> DatagramCodec.decode(ByteBuffer.allocate(1401), t, 1400))
                .isInstanceOf(MalformedDatagramException.class).hasMessageContaining("MTU");
    }

    @Test
    void theResentFlagIsValidOnReliableMessagesOnly() throws Exception {
        TypeTable t = table();
        // header: id 0, sequence, flags; then type 7 (Disconnected, no fields)
        DatagramCodec.Message resent = DatagramCodec.decode(ByteBuffer.wrap(HexFormat.of().parseHex("0000000006" + "07")), t, 1400)
                .getFirst();
        assertThat(resent.reliable()).isTrue();
        assertThat(resent.resent()).isTrue();
        assertThat(resent.ordered()).isFalse();
        DatagramCodec.Message ordered = DatagramCodec.decode(ByteBuffer.wrap(HexFormat.of().parseHex("0000000107" + "07")), t, 1400)
                .getFirst();
        assertThat(ordered.resent()).isTrue();
        assertThat(ordered.ordered()).isTrue();
        assertThat(DatagramCodec.decode(ByteBuffer.wrap(HexFormat.of().parseHex("0000000002" + "07")), t, 1400).getFirst()
                .resent()).isFalse();
        for (String hex : List.of("0000000004", "0000000005", "0000000106", "0000000007", "000000000e")) {
            assertThatThrownBy(() -> DatagramCodec.decode(ByteBuffer.wrap(HexFormat.of().parseHex(hex + "07")), t, 1400))
                    .as(hex).isInstanceOf(MalformedDatagramException.class);
        }
    }
}
