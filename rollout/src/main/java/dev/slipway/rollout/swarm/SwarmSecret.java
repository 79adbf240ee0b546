package dev.slipway.rollout.swarm;

/** One version of a deploy-time secret in the swarm: its versioned name and the id services refer to it by. */
public record SwarmSecret(String name, String id) {
}
