package dev.slipway.rollout.engine;

import java.time.Instant;
import java.util.Optional;

/** Whether a container's process is up, and which run of it this is: the engine's restart count and start time. */
public record RunState(boolean running, boolean restarting, int restartCount, Optional<Instant> startedAt) {

    /** Up, not being restarted, and the same run as {@code earlier}. */
    public boolean sameRunAs(RunState earlier) {
        return running && !restarting && restartCount == earlier.restartCount && startedAt.equals(earlier.startedAt);
    }

    public String describe() {
        return (restarting ? "restarting" : running ? "running" : "not running") + ", restarted " + restartCount
                + " time(s)" + startedAt.map(s -> ", started " + s).orElse("");
    }
}
