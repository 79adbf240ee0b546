package dev.slipway.rollout.health;

import java.time.Duration;

/** How a gate ended: the last answer it saw (the first healthy one when it passed) and how long it waited. */
public record GateVerdict(boolean passed, HealthAnswer lastAnswer, Duration waited, String why) {

    public static GateVerdict passed(HealthAnswer answer, Duration waited) {
        return new GateVerdict(true, answer, waited, "healthy");
    }

    public static GateVerdict failed(HealthAnswer answer, Duration waited, String why) {
        return new GateVerdict(false, answer, waited, why);
    }
}
