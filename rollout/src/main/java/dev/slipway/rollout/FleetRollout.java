package dev.slipway.rollout;

import dev.slipway.rollout.RolloutReport.Result;
import dev.slipway.rollout.engine.DockerEngine;
import dev.slipway.rollout.engine.EngineException;
import dev.slipway.rollout.engine.Labels;
import dev.slipway.model.ImageReference;
import dev.slipway.plan.InstanceId;
import dev.slipway.rollout.engine.LiveContainer;
import dev.slipway.rollout.health.HealthGate;
import dev.slipway.rollout.secrets.HostSecretKey;
import dev.slipway.rollout.secrets.InstanceSecrets;
import dev.slipway.rollout.secrets.SecretValues;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Collectors;

/**
 * Carries a desired fleet out on its machines: lock every engine, resolve leftovers of a killed run, plan against
 * live state, pre-pull every new image, then the waves (canary first), each instance through its health gate. A
 * failed wave is rolled back as a whole and the rollout stops; removals happen only after every wave passed.
 */
public final class FleetRollout {
    private final Map<String, DockerEngine> engines;
    private final HealthGate gate;
    private final RolloutListener events;
    private final Duration stopGrace;
    private final SecretValues secrets;

    public FleetRollout(List<DockerEngine> engines, HealthGate gate, RolloutListener events, Duration stopGrace) {
        this(engines, gate, events, stopGrace, SecretValues.NONE);
    }

    /** With the deploy-time secret values the instances receive (checked complete by the caller beforehand). */
    public FleetRollout(List<DockerEngine> engines, HealthGate gate, RolloutListener events, Duration stopGrace,
            SecretValues secrets) {
        this.secrets = secrets;
        this.engines = new LinkedHashMap<>();
        engines.forEach(e -> this.engines.put(e.machine(), e));
        this.gate = gate;
        this.events = events;
        this.stopGrace = stopGrace;
    }

    /** Reads live state and the registry digests; changes nothing. */
    public LivePlan plan(DesiredFleet desired) {
        return plan(desired, registryDigests(desired), Map.of());
    }

    private LivePlan plan(DesiredFleet desired, Map<String, Optional<String>> digests,
            Map<InstanceId, InstanceSecrets> delivered) {
        Map<String, List<LiveContainer>> live = new LinkedHashMap<>();
        for (DockerEngine engine : engines.values()) {
            live.put(engine.machine(), engine.containers(desired.fleet()));
        }
        Map<InstanceId, String> secretDigests = new LinkedHashMap<>();
        delivered.forEach((id, secret) -> secret.digest().ifPresent(d -> secretDigests.put(id, d)));
        return LivePlanner.plan(desired, live, digests, secretDigests);
    }

    private Map<String, Optional<String>> registryDigests(DesiredFleet desired) {
        Map<String, Optional<String>> digests = new LinkedHashMap<>();
        for (DesiredInstance instance : desired.instances()) {
            digests.put(instance.image(), engine(instance.machine()).registryDigest(instance.image()));
        }
        return digests;
    }

    /** The rollout; {@link DeployLockRefused} when another run holds the lock (nothing was touched then). */
    public RolloutReport apply(DesiredFleet desired, String command, LockHolder me, boolean breakLock) {
        Instant started = Instant.now();
        try (DeployLock lock = DeployLock.acquire(List.copyOf(engines.values()), desired.fleet(), me, breakLock,
                events)) {
            Map<String, Optional<String>> digests = registryDigests(desired);
            List<String> missing = desired.instances().stream()
                    .filter(i -> digests.get(i.image()).isEmpty())
                    .map(i -> i.image() + " (for " + i.machine() + ")").distinct().toList();
            if (!missing.isEmpty()) {
                return Run.refused(desired, command, started, "not in the registry: " + String.join(", ", missing));
            }
            List<String> leftovers = new ArrayList<>();
            Run run = null;
            try {
                Map<InstanceId, InstanceSecrets> delivered = secretsFor(desired);
                LeftoverRecovery recovery = new LeftoverRecovery(gate, events);
                for (DockerEngine engine : engines.values()) {
                    leftovers.addAll(recovery.resolve(engine, desired));
                }
                run = new Run(desired, command, plan(desired, digests, delivered), leftovers, started);
                return carryOut(run, delivered);
            } catch (EngineException e) {
                // past this point something may have changed: a failed rollout, never "refused"
                return (run != null
                        ? run
                        : new Run(desired, command,
                                new LivePlan(desired.fleet(), desired.tag(), List.of(), List.of()), leftovers, started))
                        .failedMidway(e.getMessage() + "; the next apply resolves what this run left");
            }
        }
    }

    private RolloutReport carryOut(Run run, Map<InstanceId, InstanceSecrets> delivered) {
        LivePlan plan = run.plan;
        Map<InstanceId, PulledImage> pulled;
        try {
            pulled = prePull(plan);
        } catch (EngineException e) {
            return run.stoppedBeforeTouching("pre-pull failed: " + e.getMessage());
        }
        for (PlannedWave wave : plan.waves()) {
            events.on(new RolloutEvent.WaveStarted(wave.number(), wave.kind(),
                    wave.changes().stream().map(c -> c.id().toString()).toList()));
            List<Cutover> passed = new ArrayList<>();
            for (InstanceChange change : wave.changes()) {
                Cutover cutover = new Cutover(engine(change.machine()), change, pulled.get(change.id()), gate,
                        events, stopGrace, delivered.getOrDefault(change.id(), InstanceSecrets.NONE));
                boolean held = cutover.run();
                run.touched |= cutover.touched();
                if (held) {
                    passed.add(cutover);
                    continue;
                }
                String why = (wave.kind() == dev.slipway.plan.Wave.Kind.CANARY ? "canary wave " : "wave ")
                        + wave.number() + " failed: " + change.id() + ": " + cutover.failure();
                run.failed(change, cutover.failure());
                for (int i = passed.size() - 1; i >= 0; i--) {
                    Cutover done = passed.get(i);
                    run.rolledBackWithWave(done.change(), done.undo());
                }
                return run.stopped(why);
            }
            passed.forEach(Cutover::commit);
            passed.forEach(run::passed);
            events.on(new RolloutEvent.WavePassed(wave.number()));
        }
        for (InstanceChange removal : plan.removals()) {
            DockerEngine engine = engine(removal.machine());
            engine.remove(removal.container());
            events.on(new RolloutEvent.Removed(removal.machine(), removal.container()));
            run.removed(removal);
        }
        return run.finished();
    }

    private Map<InstanceId, PulledImage> prePull(LivePlan plan) {
        Map<InstanceId, PulledImage> pulled = new LinkedHashMap<>();
        for (PlannedWave wave : plan.waves()) {
            for (InstanceChange change : wave.changes()) {
                DockerEngine engine = engine(change.machine());
                String image = change.toImage().orElseThrow();
                events.on(new RolloutEvent.Pulling(change.machine(), image));
                String digest = engine.pull(image);
                String user = engine.imageUser(image).orElse("");
                String revision = engine.imageLabels(image).getOrDefault(Labels.IMAGE_REVISION, "unknown");
                pulled.put(change.id(), new PulledImage(image, digest, ImageReference.parse(image).pinnedTo(digest),
                        user, revision));
                events.on(new RolloutEvent.Pulled(change.machine(), image, digest));
            }
        }
        return pulled;
    }

    /** Each instance's secret files, env and keyed digest, under its host's key (made on first use). */
    private Map<InstanceId, InstanceSecrets> secretsFor(DesiredFleet desired) {
        Map<InstanceId, InstanceSecrets> delivered = new LinkedHashMap<>();
        Map<String, byte[]> keys = new LinkedHashMap<>();
        for (DesiredInstance instance : desired.instances()) {
            if (instance.runtime().secrets().isEmpty()) {
                continue;
            }
            byte[] key = keys.computeIfAbsent(instance.machine(), m -> HostSecretKey.of(engine(m)));
            delivered.put(instance.id(), InstanceSecrets.of(instance.runtime(), secrets, key));
        }
        return delivered;
    }

    private DockerEngine engine(String machine) {
        DockerEngine engine = engines.get(machine);
        if (engine == null) {
            throw new IllegalStateException("no engine for machine " + machine);
        }
        return engine;
    }

    /** Collects one run's outcomes in plan order. */
    private static final class Run {
        private final DesiredFleet desired;
        private final String command;
        private final LivePlan plan;
        private final List<String> leftovers;
        private final Instant started;
        private final Map<String, InstanceOutcome> outcomes = new LinkedHashMap<>();
        private boolean touched;

        Run(DesiredFleet desired, String command, LivePlan plan, List<String> leftovers, Instant started) {
            this.desired = desired;
            this.command = command;
            this.plan = plan;
            this.leftovers = leftovers;
            this.started = started;
            for (InstanceChange change : plan.changes()) {
                Outcome outcome = change.action() == Action.UNCHANGED ? Outcome.UNCHANGED : Outcome.NOT_STARTED;
                put(change, outcome, Optional.empty(), change.action() == Action.UNCHANGED ? "up to date" : "");
            }
        }

        void passed(Cutover cutover) {
            InstanceChange change = cutover.change();
            outcomes.put(change.id().toString(),
                    new InstanceOutcome(change.machine(), change.service(), change.action(),
                            change.fromDigest(), Optional.of(cutover.image().digest()),
                            change.action() == Action.CREATE ? Outcome.CREATED : Outcome.UPDATED,
                            cutover.downtime().map(Duration::toMillis), change.reason()));
        }

        void failed(InstanceChange change, String why) {
            put(change, Outcome.ROLLED_BACK, Optional.empty(), why);
        }

        void rolledBackWithWave(InstanceChange change, String what) {
            put(change, Outcome.ROLLED_BACK, Optional.empty(), "its wave failed; " + what);
        }

        void removed(InstanceChange change) {
            put(change, Outcome.REMOVED, Optional.empty(), change.reason());
        }

        private void put(InstanceChange change, Outcome outcome, Optional<Long> downtime, String detail) {
            outcomes.put(change.id() + (change.action() == Action.REMOVE ? "#remove" : ""),
                    new InstanceOutcome(change.machine(), change.service(), change.action(), change.fromDigest(),
                            change.toDigest(), outcome, downtime, detail));
        }

        /** Stopped before any container was touched: refused if no leftover was resolved either. */
        RolloutReport stoppedBeforeTouching(String why) {
            return leftovers.isEmpty()
                    ? report(Result.REFUSED, why + "; nothing was changed")
                    : report(Result.FAILED, why + "; only what an interrupted run left was resolved");
        }

        RolloutReport failedMidway(String why) {
            return report(Result.FAILED, why);
        }

        static RolloutReport refused(DesiredFleet desired, String command, Instant started, String why) {
            return new RolloutReport(command, desired.fleet(), desired.tag(), desired.build().revision(),
                    Result.REFUSED, why + "; nothing was changed", List.of(), List.of(), started, Instant.now());
        }

        /** Refused when neither a leftover nor any container was touched, failed otherwise. */
        RolloutReport stopped(String why) {
            return touched || !leftovers.isEmpty()
                    ? report(Result.FAILED, why)
                    : report(Result.REFUSED, why + "; nothing was changed");
        }

        RolloutReport finished() {
            return report(plan.changesNothing() ? Result.NOTHING_TO_DO : Result.SUCCEEDED,
                    plan.changesNothing() ? "every instance is up to date" : "every wave passed");
        }

        private RolloutReport report(Result result, String why) {
            return new RolloutReport(command, desired.fleet(), desired.tag(), desired.build().revision(), result, why,
                    List.copyOf(outcomes.values()), leftovers, started, Instant.now());
        }
    }

    static String ids(List<InstanceChange> changes) {
        return changes.stream().map(c -> c.id().toString()).collect(Collectors.joining(", "));
    }
}
