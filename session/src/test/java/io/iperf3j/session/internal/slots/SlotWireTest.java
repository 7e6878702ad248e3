package io.iperf3j.session.internal.slots;

import static org.assertj.core.api.Assertions.assertThat;

import com.code_intelligence.jazzer.junit.FuzzTest;
import io.iperf3j.session.internal.slots.SlotWire.Busy;
import io.iperf3j.session.internal.slots.SlotWire.Give;
import io.iperf3j.session.internal.slots.SlotWire.Hello;
import io.iperf3j.session.internal.slots.SlotWire.Park;
import io.iperf3j.session.internal.slots.SlotWire.Refused;
import io.iperf3j.session.internal.slots.SlotWire.Reply;
import io.iperf3j.session.internal.slots.SlotWire.Request;
import io.iperf3j.session.internal.slots.SlotWire.Take;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/**
 * The host-slots service's lines, both ways: every request and reply written reads back as itself; lines that are none are
 * refused; and, as a Jazzer target, any line either end could receive: no exception, and what reads as a request or a
 * reply writes back to the same line (so no two lines mean one thing, and nothing is read that was not sent so). Seeds:
 * {@code SlotWireTestInputs/anyLine/}.
 */
class SlotWireTest {
    @Test
    void everyRequestAndReplyReadsBackAsItself() {
        for (Request r : List.<Request>of(new Take("10.0.0.2"), new Park("h-0123456789abcdef0123456789abcdef"), new Give("nc1.lab"))) {
            assertThat(SlotWire.request(SlotWire.line(r))).contains(r);
        }
        for (Reply r : List.of(new Hello(1, "root"), new SlotWire.Taken(), new Busy(Optional.empty()), new Busy(Optional.of("alice")),
                new SlotWire.Parked(), new SlotWire.Given(), new Refused("not a request"))) {
            assertThat(SlotWire.reply(SlotWire.line(r))).contains(r);
        }
    }

    @Test
    void linesThatAreNoneAreRefused() {
        assertThat(SlotWire.request("take")).isEmpty();
        assertThat(SlotWire.request("take ")).isEmpty();
        assertThat(SlotWire.request("take .hidden")).as("a slot never starts with a dot").isEmpty();
        assertThat(SlotWire.request("take ../x")).isEmpty();
        assertThat(SlotWire.request("take A")).as("slots are lower case").isEmpty();
        assertThat(SlotWire.request("take a b")).isEmpty();
        assertThat(SlotWire.request("steal a")).isEmpty();
        assertThat(SlotWire.request("take " + "a".repeat(SlotWire.MAX_SLOT + 1))).isEmpty();
        assertThat(SlotWire.request("take " + "a".repeat(SlotWire.MAX_SLOT))).isPresent();
        assertThat(SlotWire.reply("busy al ice")).as("a user is one word").isEmpty();
        assertThat(SlotWire.reply("taken now")).isEmpty();
        assertThat(SlotWire.reply("iperf3j-host-slots x root")).isEmpty();
        assertThat(SlotWire.reply("error \u001b[2J")).as("control characters are never a reply").isEmpty();
    }

    @Test
    void aUsersNameIsOneWordOfSafeCharacters() {
        assertThat(SlotWire.user("alice")).isEqualTo("alice");
        assertThat(SlotWire.user("bob smith\n@@done")).isEqualTo("bob?smith?@@done");
        assertThat(SlotWire.user("")).isEqualTo("?");
        assertThat(SlotWire.line(new Busy(Optional.of("x y")))).isEqualTo("busy x?y");
        assertThat(SlotWire.line(new Refused("a\nb"))).isEqualTo("error a?b");
    }

    @FuzzTest(maxDuration = "30s")
    void anyLine(byte[] data) {
        String text = new String(data, StandardCharsets.ISO_8859_1);
        for (String line : text.split("\n", -1)) {
            SlotWire.request(line).ifPresent(r -> {
                if (!SlotWire.line(r).equals(line)) {
                    throw new IllegalStateException("request " + r + " read from '" + line + "' writes as '" + SlotWire.line(r) + "'");
                }
            });
            SlotWire.reply(line).ifPresent(r -> {
                String back = SlotWire.line(r);
                if (!back.equals(line)) {
                    throw new IllegalStateException("reply " + r + " read from '" + line + "' writes as '" + back + "'");
                }
                if (back.chars().anyMatch(c -> c < 0x20 || c >= 0x7f)) {
                    throw new IllegalStateException("a reply with a control character: " + back);
                }
            });
        }
    }
}
