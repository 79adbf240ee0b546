package dev.slipway.rollout;

import dev.slipway.rollout.engine.ContainerNames;
import dev.slipway.rollout.engine.ContainerSpec;
import dev.slipway.rollout.engine.DockerEngine;
import dev.slipway.rollout.engine.Labels;
import dev.slipway.rollout.engine.LiveContainer;
import dev.slipway.rollout.health.GateVerdict;
import dev.slipway.rollout.health.HealthAnswer;
import dev.slipway.rollout.health.HealthGate;
import dev.slipway.rollout.health.HealthEndpoint;
import dev.slipway.rollout.secrets.InstanceSecrets;
import dev.slipway.model.Port;
import java.time.Duration;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Replaces one instance's container, keeping the old one until the new one is proven healthy:
 * rename old to {@code <name>-previous}, create the new one (nothing bound yet), stop the old one only when it holds
 * the same ports, start the new one, gate. {@link #commit()} removes the old one; {@link #undo()} restores it.
 */
final class Cutover {
    private final DockerEngine engine;
    private final InstanceChange change;
    private final DesiredInstance desired;
    private final PulledImage image;
    private final HealthGate gate;
    private final RolloutListener events;
    private final Duration stopGrace;
    private final InstanceSecrets secrets;
    private Optional<LiveContainer> old = Optional.empty();
    private String newContainer;
    private Optional<Duration> downtime = Optional.empty();
    private GateVerdict verdict;
    private String failure = "";

    Cutover(DockerEngine engine, InstanceChange change, PulledImage image, HealthGate gate, RolloutListener events,
            Duration stopGrace) {
        this(engine, change, image, gate, events, stopGrace, InstanceSecrets.NONE);
    }

    Cutover(DockerEngine engine, InstanceChange change, PulledImage image, HealthGate gate, RolloutListener events,
            Duration stopGrace, InstanceSecrets secrets) {
        this.secrets = secrets;
        this.engine = engine;
        this.change = change;
        this.desired = change.desired().orElseThrow();
        this.image = image;
        this.gate = gate;
        this.events = events;
        this.stopGrace = stopGrace;
    }

    /** Runs the cutover; on a failed gate the old container is already back when this returns false. */
    boolean run() {
        String name = desired.containerName();
        String previous = ContainerNames.previous(name);
        engine.inspect(previous).ifPresent(stale -> engine.remove(stale.id()));
        old = engine.inspect(name);
        if (old.isPresent()) {
            engine.rename(old.get().id(), previous);
        }
        try {
            newContainer = engine.create(spec());
        } catch (RuntimeException e) {
            old.ifPresent(o -> engine.rename(o.id(), name));
            throw e;
        }
        boolean oldRunning = old.map(LiveContainer::running).orElse(false);
        Optional<HealthAnswer> lastOldHealthy = Optional.empty();
        try {
            if (oldRunning && holdsSamePorts(old.get())) {
                HealthAnswer before = gate.probe(address(), healthOf(old.get()));
                lastOldHealthy = Optional.of(before).filter(HealthAnswer::healthy);
                engine.stop(old.get().id(), stopGrace);
                step("stopped the old container (kept as " + previous + ")");
            }
            engine.start(newContainer);
            step("started " + Digests.shortForm(image.digest()) + " as user " + image.user());
            verdict = gate.await(address(), HealthEndpoint.of(desired.healthCheck()),
                    Duration.ofSeconds(desired.healthCheck().startPeriodSeconds()), this::newIsRunning);
        } catch (RuntimeException e) {
            failure = e.getMessage();
            events.on(new RolloutEvent.Step(desired.machine(), desired.service(), "FAILED: " + failure));
            undo();
            return false;
        }
        if (verdict.passed()) {
            downtime = lastOldHealthy.map(before -> Duration.between(before.at(), verdict.lastAnswer().at()));
            if (oldRunning && !holdsSamePorts(old.get())) {
                engine.stop(old.get().id(), stopGrace);
                downtime = Optional.of(Duration.ZERO);
            }
            events.on(new RolloutEvent.GatePassed(desired.machine(), desired.service(), verdict.lastAnswer(),
                    verdict.waited(), downtime));
            return true;
        }
        failure = verdict.why() + "; last answer " + verdict.lastAnswer().describe();
        events.on(new RolloutEvent.GateFailed(desired.machine(), desired.service(), verdict.lastAnswer(),
                verdict.why()));
        undo();
        return false;
    }

    /** The cutover held: the old container goes. */
    void commit() {
        old.ifPresent(o -> engine.remove(o.id()));
    }

    /** Stops and removes the new container and starts the old one again (if it was running), checking its health. */
    String undo() {
        engine.remove(newContainer);
        if (old.isEmpty()) {
            String what = "removed the new container; there was no old one";
            events.on(new RolloutEvent.RolledBack(desired.machine(), desired.service(), what));
            return what;
        }
        LiveContainer previous = old.get();
        engine.rename(previous.id(), desired.containerName());
        if (!previous.running()) {
            String what = "restored the old container (it was not running before either)";
            events.on(new RolloutEvent.RolledBack(desired.machine(), desired.service(), what));
            return what;
        }
        engine.start(previous.id());
        GateVerdict back = gate.await(address(), healthOf(previous), Duration.ofSeconds(
                desired.healthCheck().startPeriodSeconds()), () -> engine.inspect(previous.id())
                .map(LiveContainer::running).orElse(false));
        String what = "old container " + Digests.shortForm(previous.digest()) + " running again, "
                + (back.passed() ? "healthy (" + back.lastAnswer().describe() + ")"
                        : "but NOT healthy: " + back.lastAnswer().describe());
        events.on(new RolloutEvent.RolledBack(desired.machine(), desired.service(), what));
        return what;
    }

    Optional<Duration> downtime() {
        return downtime;
    }

    /** Why the cutover failed: the gate's verdict with the failing health answer, or the engine's error. */
    String failure() {
        return failure;
    }

    InstanceChange change() {
        return change;
    }

    PulledImage image() {
        return image;
    }

    private ContainerSpec spec() {
        Map<String, String> labels = new HashMap<>();
        labels.put(Labels.FLEET, desired.fleet());
        labels.put(Labels.SERVICE, desired.service());
        labels.put(Labels.MACHINE, desired.machine());
        labels.put(Labels.IMAGE, desired.image());
        labels.put(Labels.IMAGE_DIGEST, image.digest());
        labels.put(Labels.REVISION, image.revision());
        labels.put(Labels.PORTS, Labels.ports(desired.ports()));
        labels.put(Labels.HEALTH_PORT, desired.healthPort().toString());
        labels.put(Labels.HEALTH_PATH, desired.healthCheck().path());
        labels.put(Labels.SETTINGS, desired.settingsHash());
        secrets.digest().ifPresent(digest -> labels.put(Labels.SECRETS_DIGEST, digest));
        return new ContainerSpec(desired.containerName(), image.pinned(), image.user(), desired.ports(),
                desired.healthCheck(), labels, desired.runtime(), secrets.env(), secrets.files());
    }

    private boolean holdsSamePorts(LiveContainer container) {
        if (container.ports().isEmpty()) {
            return true; // an unlabelled container may hold anything: treat it as in the way
        }
        Set<Port> shared = new HashSet<>(container.ports());
        shared.retainAll(desired.ports());
        return !shared.isEmpty();
    }

    private HealthEndpoint healthOf(LiveContainer container) {
        return container.health().orElse(HealthEndpoint.of(desired.healthCheck()));
    }

    private boolean newIsRunning() {
        return engine.inspect(newContainer).map(LiveContainer::running).orElse(false);
    }

    private String address() {
        return engine.host().address();
    }

    private void step(String what) {
        events.on(new RolloutEvent.Step(desired.machine(), desired.service(), what));
    }

}
