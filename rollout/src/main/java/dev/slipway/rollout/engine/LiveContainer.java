package dev.slipway.rollout.engine;

import dev.slipway.model.Port;
import dev.slipway.rollout.health.HealthEndpoint;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** A Slipway container as its engine reports it: identity from labels, state from inspection. */
public record LiveContainer(
        String id,
        String name,
        String service,
        String machine,
        String image,
        Optional<String> digest,
        Optional<String> revision,
        Optional<String> settings,
        List<Port> ports,
        Optional<HealthEndpoint> health,
        boolean running,
        String state,
        Optional<String> dockerHealth,
        Optional<Instant> startedAt,
        Map<String, String> labels) {

    public LiveContainer {
        ports = List.copyOf(ports);
        labels = Map.copyOf(labels);
    }

    public boolean isPrevious() {
        return ContainerNames.isPrevious(name);
    }
}
