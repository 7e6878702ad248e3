package io.iperf3j.link.internal;

import java.util.ArrayList;
import java.util.List;

/** Tests: the errors a {@link LinkConnection} told its endpoint, in order; it ignores the other events. */
public final class RecordedEvents implements LinkConnection.Events {
    /** The texts of {@link #error}, in order. */
    public final List<String> errors = new ArrayList<>();

    @Override
    public void message(Record message) {
    }

    @Override
    public void disconnected() {
    }

    @Override
    public void error(String text) {
        errors.add(text);
    }
}
