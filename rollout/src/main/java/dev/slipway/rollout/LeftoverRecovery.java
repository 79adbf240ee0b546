package dev.slipway.rollout;

import dev.slipway.plan.InstanceId;
import dev.slipway.rollout.engine.ContainerNames;
import dev.slipway.rollout.engine.DockerEngine;
import dev.slipway.rollout.engine.LiveContainer;
import dev.slipway.rollout.health.GateVerdict;
import dev.slipway.rollout.health.HealthGate;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Resolves what a killed run left: a kept {@code <name>-previous} container means a cutover never finished. If the
 * new container runs and passes the gate it stays and the old one goes; otherwise the old one is put back and
 * started. Either way every service has one running container again before the rollout plans anything.
 */
final class LeftoverRecovery {
    private static final Duration DEFAULT_START_PERIOD = Duration.ofSeconds(40);

    private final HealthGate gate;
    private final RolloutListener events;

    LeftoverRecovery(HealthGate gate, RolloutListener events) {
        this.gate = gate;
        this.events = events;
    }

    List<String> resolve(DockerEngine engine, DesiredFleet desired) {
        List<String> resolved = new ArrayList<>();
        for (LiveContainer previous : engine.containers(desired.fleet())) {
            if (!previous.isPrevious()) {
                continue;
            }
            String name = ContainerNames.current(previous.name());
            Duration startPeriod = desired.on(engine.machine()).stream()
                    .filter(i -> i.containerName().equals(name)).findFirst()
                    .map(i -> Duration.ofSeconds(i.healthCheck().startPeriodSeconds())).orElse(DEFAULT_START_PERIOD);
            Optional<LiveContainer> current = engine.inspect(name);
            String resolution;
            if (current.isPresent() && current.get().running() && healthy(engine, current.get(), startPeriod)) {
                engine.remove(previous.id());
                resolution = "the new container " + Digests.shortForm(current.get().digest())
                        + " is healthy; removed the kept old one";
            } else {
                current.ifPresent(c -> engine.remove(c.id()));
                engine.rename(previous.id(), name);
                engine.start(previous.id());
                boolean healthy = healthy(engine, previous, startPeriod);
                resolution = "put the old container " + Digests.shortForm(previous.digest()) + " back"
                        + (current.isPresent() ? " in place of the unfinished new one" : "")
                        + (healthy ? ", healthy" : ", but it is NOT healthy");
            }
            events.on(new RolloutEvent.LeftoverResolved(engine.machine(), previous.service(), resolution));
            resolved.add(new InstanceId(previous.service(), engine.machine()) + ": " + resolution);
        }
        return resolved;
    }

    private boolean healthy(DockerEngine engine, LiveContainer container, Duration startPeriod) {
        if (container.health().isEmpty()) {
            return false;
        }
        GateVerdict verdict = gate.await(engine.host().address(), container.health().get(), startPeriod,
                () -> engine.inspect(container.id()).map(LiveContainer::running).orElse(false));
        return verdict.passed();
    }
}
