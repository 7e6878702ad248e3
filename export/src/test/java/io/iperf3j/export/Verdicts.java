package io.iperf3j.export;

import io.iperf3j.Cause;
import io.iperf3j.Transport;
import io.iperf3j.Why;
import io.iperf3j.WhyFigures;
import java.util.List;
import java.util.Optional;
import java.util.OptionalDouble;
import java.util.OptionalLong;

/** Verdicts ({@code --why}) for the export tests, of any cause, with figures that do not matter to them. */
public final class Verdicts {
    private Verdicts() {
    }

    /** A verdict per cause given: the first the client's sending, the next the server's. */
    public static Why why(Cause... causes) {
        WhyFigures f = new WhyFigures(Transport.TCP, 3, 4e7, 0, 0, OptionalDouble.empty(), OptionalDouble.empty(),
                OptionalDouble.empty(), OptionalDouble.empty(), OptionalDouble.empty(), OptionalDouble.empty(),
                OptionalDouble.empty(), OptionalDouble.empty(), OptionalDouble.empty(), OptionalDouble.empty(),
                OptionalLong.empty(), OptionalLong.empty(), OptionalLong.empty(), OptionalLong.empty(),
                OptionalLong.empty(), OptionalDouble.empty(), List.of());
        List<Why.DirectionWhy> dirs = new java.util.ArrayList<>();
        for (int i = 0; i < causes.length; i++) {
            dirs.add(new Why.DirectionWhy(i == 0, new Why.Verdict(causes[i], f, "r", Optional.of("x")), List.of()));
        }
        return new Why(dirs);
    }
}
