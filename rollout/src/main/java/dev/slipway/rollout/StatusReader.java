package dev.slipway.rollout;

import dev.slipway.model.ImageReference;
import dev.slipway.plan.ImageNames;
import dev.slipway.rollout.InstanceStatus.Drift;
import dev.slipway.rollout.engine.DockerEngine;
import dev.slipway.rollout.engine.LiveContainer;
import dev.slipway.rollout.health.HealthAnswer;
import dev.slipway.rollout.health.HealthGate;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/** Reads what every machine runs against what the definition wants; changes nothing. */
public final class StatusReader {
    private final List<DockerEngine> engines;
    private final HealthGate gate;

    public StatusReader(List<DockerEngine> engines, HealthGate gate) {
        this.engines = List.copyOf(engines);
        this.gate = gate;
    }

    /**
     * The fleet tags the running containers were rolled out under (by the last apply or rollback), most common
     * first, read from each container's image label; empty when no container of the fleet runs.
     */
    public List<String> deployedTags(String fleet) {
        java.util.Map<String, Long> counts = new java.util.HashMap<>();
        for (DockerEngine engine : engines) {
            for (LiveContainer container : engine.containers(fleet)) {
                if (container.isPrevious() || !container.running()) {
                    continue;
                }
                try {
                    ImageNames.fleetTag(ImageReference.parse(container.image()), container.machine())
                            .ifPresent(tag -> counts.merge(tag, 1L, Long::sum));
                } catch (IllegalArgumentException notSlipways) {
                    // an image label Slipway did not write names no fleet tag
                }
            }
        }
        return counts.entrySet().stream()
                .sorted(java.util.Map.Entry.<String, Long>comparingByValue().reversed()
                        .thenComparing(java.util.Map.Entry.comparingByKey()))
                .map(java.util.Map.Entry::getKey).toList();
    }

    public List<InstanceStatus> read(DesiredFleet desired) {
        List<InstanceStatus> rows = new ArrayList<>();
        Instant now = Instant.now();
        for (DockerEngine engine : engines) {
            List<LiveContainer> live = engine.containers(desired.fleet());
            for (DesiredInstance instance : desired.on(engine.machine())) {
                Optional<String> wanted = engine.registryDigest(instance.image());
                Optional<LiveContainer> running = live.stream()
                        .filter(c -> c.name().equals(instance.containerName())).findFirst();
                rows.add(row(engine, instance.service(), instance.containerName(), Optional.of(instance.image()),
                        wanted, running, now));
            }
            for (LiveContainer container : live) {
                boolean wanted = desired.on(engine.machine()).stream()
                        .anyMatch(i -> i.containerName().equals(container.name()));
                if (!wanted) {
                    rows.add(row(engine, container.service(), container.name(), Optional.empty(), Optional.empty(),
                            Optional.of(container), now));
                }
            }
        }
        return rows;
    }

    private InstanceStatus row(DockerEngine engine, String service, String name, Optional<String> desiredImage,
            Optional<String> desiredDigest, Optional<LiveContainer> container, Instant now) {
        Optional<String> answer = container.filter(LiveContainer::running).flatMap(LiveContainer::health)
                .map(endpoint -> gate.probe(engine.host().address(), endpoint)).map(HealthAnswer::describe);
        Drift drift;
        if (desiredImage.isEmpty()) {
            drift = Drift.UNEXPECTED;
        } else if (container.isEmpty()) {
            drift = Drift.MISSING;
        } else if (!container.get().running()) {
            drift = Drift.NOT_RUNNING;
        } else if (desiredDigest.isEmpty()) {
            drift = Drift.NOT_IN_REGISTRY;
        } else if (!desiredDigest.equals(container.get().digest())) {
            drift = Drift.OUTDATED;
        } else {
            drift = Drift.NONE;
        }
        return new InstanceStatus(engine.machine(), service, name, desiredImage, desiredDigest,
                container.map(LiveContainer::image), container.flatMap(LiveContainer::digest),
                container.map(LiveContainer::state).orElse("absent"),
                container.flatMap(LiveContainer::dockerHealth), answer,
                container.filter(LiveContainer::running).flatMap(LiveContainer::startedAt)
                        .map(s -> Duration.between(s, now).toSeconds()),
                drift);
    }
}
