package dev.slipway.rollout;

import dev.slipway.plan.InstanceId;
import com.fasterxml.jackson.annotation.JsonIgnore;
import java.util.Optional;

/**
 * One line of a live plan: on {@code machine}, {@code service} is created, updated (from one digest to another),
 * left unchanged, or removed (a Slipway container the definition no longer has).
 */
public record InstanceChange(
        String machine,
        String service,
        Action action,
        String container,
        Optional<String> fromImage,
        Optional<String> fromDigest,
        Optional<String> toImage,
        Optional<String> toDigest,
        String reason,
        @JsonIgnore Optional<DesiredInstance> desired) {

    public InstanceId id() {
        return new InstanceId(service, machine);
    }

    public boolean changes() {
        return action != Action.UNCHANGED;
    }
}
