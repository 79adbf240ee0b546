package dev.slipway.rollout;

import dev.slipway.rollout.engine.ContainerNames;
import dev.slipway.rollout.engine.ContainerSpec;
import dev.slipway.rollout.engine.DockerEngine;
import dev.slipway.rollout.engine.EngineException;
import dev.slipway.rollout.engine.Labels;
import dev.slipway.rollout.engine.LiveContainer;
import dev.slipway.rollout.engine.RunState;
import dev.slipway.rollout.health.GateVerdict;
import dev.slipway.rollout.health.HealthAnswer;
import dev.slipway.rollout.health.HealthGate;
import dev.slipway.rollout.health.HealthEndpoint;
import dev.slipway.rollout.secrets.InstanceSecrets;
import dev.slipway.model.Port;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * Replaces one instance's container, keeping the old one until the new one is proven healthy:
 * rename old to {@code <name>-previous}, create the new one (nothing bound yet), stop the old one only when it holds
 * the same ports, start the new one, gate. {@link #commit()} removes the old one; {@link #undo()} restores it.
 */
final class Cutover {
    /** How long a new container must stay in its first run for its healthy answer to count. */
    static final Duration SETTLE = Duration.ofSeconds(1);

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
    private boolean renamed;
    private boolean touched;
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
        Optional<HealthAnswer> lastOldHealthy = Optional.empty();
        boolean oldRunning;
        try {
            engine.inspect(previous).ifPresent(stale -> engine.remove(stale.id()));
            old = engine.inspect(name);
            oldRunning = old.map(LiveContainer::running).orElse(false);
            List<Port> taken = portsTakenByOthers(oldRunning);
            if (!taken.isEmpty()) {
                failure = "port " + taken.stream().map(Port::toString).collect(Collectors.joining(", port "))
                        + " on " + desired.machine() + " (" + address() + ") is already in use by something other"
                        + " than the container it replaces; nothing of " + change.id() + " was touched";
                events.on(new RolloutEvent.Step(desired.machine(), desired.service(), "REFUSED: " + failure));
                old = Optional.empty();
                return false;
            }
            if (old.isPresent()) {
                touched = true;
                engine.rename(old.get().id(), previous);
                renamed = true;
                CrashPoint.AFTER_RENAME.reached(change.id());
            }
            touched = true;
            newContainer = engine.create(spec());
            CrashPoint.AFTER_CREATE.reached(change.id());
            if (oldRunning && holdsSamePorts(old.get())) {
                HealthAnswer before = gate.probe(address(), healthOf(old.get()));
                lastOldHealthy = Optional.of(before).filter(HealthAnswer::healthy);
                engine.stop(old.get().id(), stopGrace);
                CrashPoint.AFTER_STOP.reached(change.id());
                step("stopped the old container (kept as " + previous + ")");
            }
            engine.start(newContainer);
            RunState started = engine.runState(newContainer).orElseThrow(() -> new EngineException(
                    desired.machine(), "started " + newContainer, new IllegalStateException("it is gone")));
            CrashPoint.AFTER_START.reached(change.id());
            step("started " + Digests.shortForm(image.digest()) + " as user " + image.user());
            verdict = gate.await(address(), HealthEndpoint.of(desired.healthCheck()),
                    Duration.ofSeconds(desired.healthCheck().startPeriodSeconds()), () -> {
                        CrashPoint.DURING_GATE.reached(change.id());
                        return sameRun(started);
                    });
            CrashPoint.DURING_GATE.reached(change.id());
            if (verdict.passed()) {
                verdict = stillTheSameRun(started, verdict);
            }
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
        if (newContainer != null) {
            engine.remove(newContainer);
        }
        CrashPoint.ROLLBACK_AFTER_REMOVE.reached(change.id());
        if (old.isEmpty()) {
            String what = "removed the new container; there was no old one";
            events.on(new RolloutEvent.RolledBack(desired.machine(), desired.service(), what));
            return what;
        }
        LiveContainer previous = old.get();
        // started before it gets its name back: a run killed in between leaves a "-previous" that the next resolves
        if (previous.running()) {
            engine.start(previous.id());
        }
        if (renamed) {
            engine.rename(previous.id(), desired.containerName());
            renamed = false;
        }
        CrashPoint.ROLLBACK_AFTER_RENAME.reached(change.id());
        if (!previous.running()) {
            String what = "restored the old container (it was not running before either)";
            events.on(new RolloutEvent.RolledBack(desired.machine(), desired.service(), what));
            return what;
        }
        GateVerdict back = gate.await(address(), healthOf(previous), Duration.ofSeconds(
                desired.healthCheck().startPeriodSeconds()),
                () -> engine.inspect(previous.id())
                        .map(LiveContainer::running).orElse(false));
        String what = "old container " + Digests.shortForm(previous.digest()) + " running again, "
                + (back.passed()
                        ? "healthy (" + back.lastAnswer().describe() + ")"
                        : "but NOT healthy: " + back.lastAnswer().describe());
        events.on(new RolloutEvent.RolledBack(desired.machine(), desired.service(), what));
        return what;
    }

    /** Whether this cutover changed anything on the engine (renamed the old container or created a new one). */
    boolean touched() {
        return touched;
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

    /**
     * The ports the new container binds that something answers on although the container it replaces does not
     * hold them (all of them when nothing runs there yet). An unlabelled old container may hold anything: none.
     */
    private List<Port> portsTakenByOthers(boolean oldRunning) {
        if (oldRunning && old.get().ports().isEmpty()) {
            return List.of();
        }
        Set<Port> heldByOld = oldRunning ? new HashSet<>(old.get().ports()) : Set.of();
        List<Port> others = desired.ports().stream().filter(p -> !heldByOld.contains(p)).toList();
        return PortsInUse.among(address(), others);
    }

    private boolean sameRun(RunState started) {
        return engine.runState(newContainer).map(now -> now.sameRunAs(started)).orElse(false);
    }

    /**
     * A healthy answer counts only if the new container is still in the run it started with once it has been up
     * {@link #SETTLE}: whatever answered was not something else on the port while the container crash-looped.
     */
    private GateVerdict stillTheSameRun(RunState started, GateVerdict passed) {
        Instant settled = started.startedAt().orElse(Instant.now()).plus(SETTLE);
        long wait = Duration.between(Instant.now(), settled).toMillis();
        if (wait > 0) {
            try {
                Thread.sleep(wait);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        RunState now = engine.runState(newContainer).orElse(new RunState(false, false, -1, Optional.empty()));
        if (now.sameRunAs(started)) {
            return passed;
        }
        return GateVerdict.failed(passed.lastAnswer(), passed.waited(), "the new container did not stay up ("
                + now.describe() + ") although port " + desired.healthPort() + " answered: that answer was not"
                + " its own");
    }

    private String address() {
        return engine.host().address();
    }

    private void step(String what) {
        events.on(new RolloutEvent.Step(desired.machine(), desired.service(), what));
    }

}
