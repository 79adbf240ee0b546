package dev.slipway.rollout;

import java.util.Optional;

/**
 * One instance as {@code status} shows it: desired image and digest, running image and digest, container (or Swarm
 * task) state, Docker's health status and
 * a live {@code GET /health}, uptime, and the drift between definition and machine.
 */
public record InstanceStatus(String machine, String service, String container, Optional<String> desiredImage,
        Optional<String> desiredDigest, Optional<String> runningImage, Optional<String> runningDigest, String state,
        Optional<String> dockerHealth,
        Optional<String> healthAnswer, Optional<Long> uptimeSeconds, Drift drift) {

    public enum Drift {
        NONE, OUTDATED, NOT_RUNNING, MISSING, NOT_IN_REGISTRY, UNEXPECTED
    }
}
