package io.iperf3j.link;

/** Message types of the tests. */
final class Msg {
    private Msg() {
    }

    record Seq(int n, int stream) {
    }

    record Chat(@Wire.U16 int room, String text, @Wire.Fixed(8) String tag, boolean urgent, double x, @Wire.U8 int level) {
    }

    record Blob(String data) {
    }

    static MessageTypes types() {
        return MessageTypes.builder().add(20, "Seq", Seq.class).add(21, "Chat", Chat.class).add(22, "Blob", Blob.class)
                .build();
    }
}
