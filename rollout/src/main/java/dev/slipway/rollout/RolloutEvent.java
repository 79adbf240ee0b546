package dev.slipway.rollout;

import dev.slipway.plan.InstanceId;
import dev.slipway.plan.Wave;
import dev.slipway.rollout.health.HealthAnswer;
import java.time.Duration;
import java.util.List;
import java.util.Optional;

/** What a rollout reports as it happens; the CLI prints them, tests collect them. Nothing below prints itself. */
public sealed interface RolloutEvent {

    /** One line for a human. */
    String describe();

    record LockTaken(String machine, String holder) implements RolloutEvent {
        public String describe() {
            return machine + ": deploy lock taken by " + holder;
        }
    }

    record LockBroken(String machine, String holder, String since, String why) implements RolloutEvent {
        public String describe() {
            return machine + ": broke the deploy lock of " + holder + " (since " + since + "): " + why;
        }
    }

    record LeftoverResolved(String machine, String service, String resolution) implements RolloutEvent {
        public String describe() {
            return machine + " " + service + ": left over by an interrupted run: " + resolution;
        }
    }

    record Pulling(String machine, String image) implements RolloutEvent {
        public String describe() {
            return machine + ": pulling " + image;
        }
    }

    record Pulled(String machine, String image, String digest) implements RolloutEvent {
        public String describe() {
            return machine + ": pulled " + image + " (" + Digests.shortForm(digest) + ")";
        }
    }

    record WaveStarted(int number, Wave.Kind kind, List<String> instances) implements RolloutEvent {
        public String describe() {
            return "wave " + number + " (" + kind.name().toLowerCase(java.util.Locale.ROOT) + "): "
                    + String.join(", ", instances);
        }
    }

    record Step(String machine, String service, String what) implements RolloutEvent {
        public String describe() {
            return "  " + new InstanceId(service, machine) + ": " + what;
        }
    }

    record GatePassed(String machine, String service, HealthAnswer answer, Duration waited,
            Optional<Duration> downtime) implements RolloutEvent {
        public String describe() {
            return "  " + new InstanceId(service, machine) + ": healthy after " + waited.toMillis() + " ms ("
                    + answer.describe() + ")"
                    + downtime.map(d -> ", cutover downtime " + d.toMillis() + " ms").orElse("");
        }
    }

    record GateFailed(String machine, String service, HealthAnswer answer, String why) implements RolloutEvent {
        public String describe() {
            return "  " + new InstanceId(service, machine) + ": health gate FAILED: " + why + "; last answer "
                    + answer.describe();
        }
    }

    record RolledBack(String machine, String service, String what) implements RolloutEvent {
        public String describe() {
            return "  " + new InstanceId(service, machine) + ": rolled back: " + what;
        }
    }

    record WavePassed(int number) implements RolloutEvent {
        public String describe() {
            return "wave " + number + " passed";
        }
    }

    record Removed(String machine, String container) implements RolloutEvent {
        public String describe() {
            return machine + ": removed " + container + " (no longer in the definition)";
        }
    }
}
