package dev.slipway.rollout.swarm;

import com.github.dockerjava.api.model.Service;
import com.github.dockerjava.api.model.ServiceSpec;
import com.github.dockerjava.api.model.ServiceUpdateState;
import com.github.dockerjava.api.model.ServiceUpdateStatus;
import com.github.dockerjava.api.model.SwarmNode;
import com.github.dockerjava.api.model.Task;
import com.github.dockerjava.api.model.TaskState;
import dev.slipway.plan.FleetPlan;
import dev.slipway.plan.Instance;
import dev.slipway.plan.InstanceId;
import dev.slipway.plan.InstancePlan;
import dev.slipway.plan.Wave;
import dev.slipway.rollout.health.GateVerdict;
import dev.slipway.rollout.health.HealthEndpoint;
import dev.slipway.rollout.health.HealthGate;
import dev.slipway.rollout.secrets.SecretValues;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.function.Consumer;

/**
 * Rolls a plan out to a swarm with the Docker hosts' semantics: wave by wave, the canary wave first; every changed
 * instance's service is created or updated and must pass Swarm's own task health (its update completes) and
 * Slipway's {@code /health} gate on its node. Within a wave, a service that depends on another changed in it is
 * started only once that one passed. A failed wave is rolled back (Swarm's rollback for a service it rolled back
 * itself, an update back to the previous spec otherwise; a service created by the wave is removed) and later waves
 * are untouched. A service whose spec is unchanged is not updated. Secret versions are made before the first
 * service refers to them and the ones nothing uses any more removed after the whole plan passed.
 */
public final class SwarmRollout {
    private static final Duration POLL = Duration.ofMillis(250);
    /** Beyond the health check's own time: pulling the image and Swarm scheduling the task. */
    private static final Duration SCHEDULING_ALLOWANCE = Duration.ofSeconds(60);

    private final SwarmManager manager;
    private final HealthGate gate;
    private final Map<String, String> addresses;
    private final Consumer<String> progress;
    private final SecretValues secrets;

    /**
     * {@code addresses}: where a machine's services answer for the gate, when not at its node's own address (the
     * one it joined the swarm with).
     */
    public SwarmRollout(SwarmManager manager, HealthGate gate, Map<String, String> addresses,
            Consumer<String> progress) {
        this(manager, gate, addresses, progress, SecretValues.NONE);
    }

    /** With the deploy-time secret values the services receive (checked complete by the caller beforehand). */
    public SwarmRollout(SwarmManager manager, HealthGate gate, Map<String, String> addresses,
            Consumer<String> progress, SecretValues secrets) {
        this.manager = manager;
        this.gate = gate;
        this.addresses = Map.copyOf(addresses);
        this.progress = progress;
        this.secrets = secrets;
    }

    /** @throws SwarmRefused before any change, when the swarm cannot run the plan as asked */
    public SwarmReport apply(FleetPlan plan) {
        Instant started = Instant.now();
        Map<String, SwarmNode> nodes = manager.nodesByMachine();
        refuseWhatCannotRun(plan, nodes);
        SwarmServiceSpecs specs = new SwarmServiceSpecs(plan, SwarmSecrets.ensure(manager, plan, secrets));
        Map<InstanceId, InstancePlan> instances = plan.instancesById();
        List<SwarmOutcome> outcomes = new ArrayList<>();
        for (Wave wave : plan.rollout().waves()) {
            progress.accept("wave " + wave.number() + " (" + wave.kind().name().toLowerCase(Locale.ROOT) + "): "
                    + String.join(", ", wave.instances().stream().map(i -> i.id().toString()).toList()));
            List<Change> changes = new ArrayList<>();
            List<Change> converging = new ArrayList<>();
            List<Instance> notStarted = new ArrayList<>();
            List<String> failures = new ArrayList<>();
            for (Instance member : wave.instances()) {
                InstancePlan instance = instances.get(member.id());
                if (failures.isEmpty() && dependsOnAny(instance, converging)) {
                    // what it depends on passes first, as on the Docker hosts (the plan orders a wave so)
                    awaitAll(converging, nodes, failures);
                }
                if (!failures.isEmpty()) {
                    notStarted.add(member);
                    continue;
                }
                Change change = start(specs, instance);
                changes.add(change);
                if (change.action != SwarmOutcome.Action.UNCHANGED) {
                    converging.add(change);
                }
            }
            if (failures.isEmpty()) {
                awaitAll(converging, nodes, failures);
            }
            if (failures.isEmpty()) {
                changes.forEach(c -> outcomes.add(c.outcome(null)));
                progress.accept("wave " + wave.number() + " passed");
                continue;
            }
            for (Change change : changes) {
                outcomes.add(change.outcome(rollBack(change, nodes)));
            }
            notStarted.forEach(i -> outcomes.add(notStarted(i, "a service it depends on failed in wave "
                    + wave.number())));
            markNotStarted(plan, wave, outcomes);
            String why = "wave " + wave.number() + " failed: " + String.join("; ", failures);
            progress.accept(why);
            return new SwarmReport(false, outcomes, why, started, Instant.now());
        }
        pruneSecrets(plan);
        return new SwarmReport(true, outcomes, outcomes.stream()
                .allMatch(o -> o.action() == SwarmOutcome.Action.UNCHANGED) ? "every service is up to date" : "done",
                started, Instant.now());
    }

    /**
     * Refuses, before any change: a machine no node is labelled for, a setting Swarm cannot express
     * ({@link SwarmServiceSpecs#refusals}), a GPU service whose node advertises fewer {@value SwarmServiceSpecs#GPU}
     * than it reserves (Swarm would leave its task pending).
     */
    private void refuseWhatCannotRun(FleetPlan plan, Map<String, SwarmNode> nodes) {
        Set<String> unplaced = new TreeSet<>(plan.machines());
        unplaced.removeAll(nodes.keySet());
        if (!unplaced.isEmpty()) {
            throw new SwarmRefused(List.of("no swarm node is labelled " + SwarmServiceSpecs.MACHINE_LABEL
                    + "=<machine> for " + String.join(", ", unplaced) + "; label one per machine (docker node "
                    + "update --label-add " + SwarmServiceSpecs.MACHINE_LABEL + "=MACHINE NODE); nothing was changed"));
        }
        List<String> problems = new ArrayList<>();
        Map<String, Map<String, Long>> advertised = new TreeMap<>();
        for (InstancePlan instance : plan.instances()) {
            List<String> refusals = SwarmServiceSpecs.refusals(plan, instance);
            problems.addAll(refusals);
            Optional<Long> gpus = SwarmServiceSpecs.gpus(instance);
            if (!refusals.isEmpty() || gpus.isEmpty()) {
                continue;
            }
            SwarmNode node = nodes.get(instance.machine());
            long has = advertised.computeIfAbsent(node.getId(), manager::genericResources)
                    .getOrDefault(SwarmServiceSpecs.GPU, 0L);
            if (has < gpus.get()) {
                problems.add(instance.id() + ": gpus: it reserves " + gpus.get() + " " + SwarmServiceSpecs.GPU
                        + " and " + instance.machine() + "'s node " + node.getId() + " advertises " + has + " (start "
                        + "its dockerd with --node-generic-resource " + SwarmServiceSpecs.GPU + "=<GPU UUID> per GPU "
                        + "and the NVIDIA runtime as its default; docs/rollout.md)");
            }
        }
        if (!problems.isEmpty()) {
            problems.add(problems.size() + " problem(s) the swarm cannot run as asked; nothing was changed");
            throw new SwarmRefused(problems);
        }
    }

    private static boolean dependsOnAny(InstancePlan instance, List<Change> changes) {
        List<String> dependencies = instance.runtime().dependsOn();
        return changes.stream().anyMatch(c -> dependencies.contains(c.instance.service()));
    }

    /** Waits for each started change to pass or fail; a failure is added to {@code failures}. */
    private void awaitAll(List<Change> started, Map<String, SwarmNode> nodes, List<String> failures) {
        for (Change change : started) {
            String failure = converge(change, nodes);
            change.failure = failure;
            if (failure != null) {
                failures.add(change.instance.id() + ": " + failure);
            }
        }
        started.clear();
    }

    /** Secret versions no service refers to any more (rotated away) are removed once the whole plan passed. */
    private void pruneSecrets(FleetPlan plan) {
        try {
            List<String> removed = SwarmSecrets.prune(manager, plan.fleet());
            if (!removed.isEmpty()) {
                progress.accept("removed secret versions no service uses: " + String.join(", ", removed));
            }
        } catch (SwarmException e) {
            progress.accept("could not remove old secret versions (the next apply tries again): "
                    + e.getMessage());
        }
    }

    /** Creates or updates the instance's service unless Swarm already runs exactly this spec. */
    private Change start(SwarmServiceSpecs specs, InstancePlan instance) {
        ServiceSpec desired = specs.spec(instance);
        Optional<Service> existing = manager.service(desired.getName());
        if (existing.isEmpty()) {
            String id = manager.create(desired);
            progress.accept("  " + instance.id() + ": created service " + desired.getName() + " ("
                    + instance.image() + ")");
            return new Change(instance, SwarmOutcome.Action.CREATE, id, null, desired);
        }
        Service service = existing.get();
        String running = label(service.getSpec(), SwarmServiceSpecs.SETTINGS);
        if (running != null && running.equals(label(desired, SwarmServiceSpecs.SETTINGS))) {
            progress.accept("  " + instance.id() + ": unchanged");
            return new Change(instance, SwarmOutcome.Action.UNCHANGED, service.getId(), service.getSpec(), desired);
        }
        manager.update(service, desired);
        String from = label(service.getSpec(), SwarmServiceSpecs.IMAGE);
        progress.accept("  " + instance.id() + ": updating service " + desired.getName() + " "
                + (instance.image().text().equals(from)
                        ? "(same image, changed settings or secret versions)"
                        : from + " -> " + instance.image()));
        return new Change(instance, SwarmOutcome.Action.UPDATE, service.getId(), service.getSpec(), desired);
    }

    /** Null once Swarm's task is running healthy (an update completed) and Slipway's gate passed; else why not. */
    private String converge(Change change, Map<String, SwarmNode> nodes) {
        Duration limit = updateLimit(change);
        long deadline = System.nanoTime() + limit.toNanos();
        String last = "no task started";
        while (System.nanoTime() < deadline) {
            Service service = manager.service(change.name()).orElse(null);
            if (service == null) {
                return "service " + change.name() + " disappeared";
            }
            ServiceUpdateStatus update = service.getUpdateStatus();
            ServiceUpdateState state = update == null ? null : update.getState();
            if (state == ServiceUpdateState.ROLLBACK_STARTED || state == ServiceUpdateState.ROLLBACK_COMPLETED
                    || state == ServiceUpdateState.ROLLBACK_PAUSED) {
                // The update has failed once Swarm starts its rollback; its rollback gets a wait of its own.
                change.rolledBackBySwarm = true;
                progress.accept("  " + change.instance.id() + ": Swarm is rolling it back (" + update.getMessage()
                        + "); waiting for its rollback");
                // A rollback is a whole update back (stop, start, health, monitor); a loaded node takes its time.
                Duration rollbackLimit = updateLimit(change).multipliedBy(2);
                return awaitUpdate(change, rollbackLimit)
                        ? "Swarm rolled it back (" + update.getMessage() + ")"
                        : "Swarm started rolling it back (" + update.getMessage() + ") and its rollback did not "
                                + "complete within " + rollbackLimit.toSeconds() + " s";
            } else if (state == ServiceUpdateState.PAUSED) {
                last = "Swarm paused the update: " + update.getMessage();
            } else if (change.action == SwarmOutcome.Action.UPDATE && state != ServiceUpdateState.COMPLETED) {
                last = "update " + (state == null ? "pending" : state.name().toLowerCase(Locale.ROOT));
            } else {
                Optional<Task> running = runningTask(change);
                if (running.isPresent()) {
                    return gate(change, running.get(), nodes);
                }
                last = lastTaskState(change);
            }
            sleep();
        }
        return "not running healthy within " + limit.toSeconds() + " s; last: " + last;
    }

    private String gate(Change change, Task task, Map<String, SwarmNode> nodes) {
        String machine = change.instance.machine();
        SwarmNode node = nodes.get(machine);
        if (!node.getId().equals(task.getNodeId())) {
            return "its task runs on node " + task.getNodeId() + ", not on " + machine + "'s node " + node.getId();
        }
        String address = addresses.getOrDefault(machine, node.getStatus().getAddress());
        var health = change.instance.healthCheck();
        GateVerdict verdict = gate.await(address, HealthEndpoint.of(health),
                Duration.ofSeconds(Math.max(1, health.startPeriodSeconds())), () -> true);
        if (verdict.passed()) {
            progress.accept(
                    "  " + change.instance.id() + ": healthy on " + machine + " (" + verdict.lastAnswer().describe()
                            + ")");
            return null;
        }
        return "Slipway's gate on " + address + HealthEndpoint.of(health) + " failed: " + verdict.why();
    }

    /** Null once a task of the spec put back runs and passes Slipway's gate; otherwise why not. */
    private String restoredHealth(Change change, Map<String, SwarmNode> nodes) {
        String image = change.previous.getTaskTemplate().getContainerSpec().getImage();
        Duration limit = updateLimit(change);
        long deadline = System.nanoTime() + limit.toNanos();
        while (System.nanoTime() < deadline) {
            Optional<Task> running = runningTask(change, image);
            if (running.isPresent()) {
                return gate(change, running.get(), nodes);
            }
            sleep();
        }
        return "no task of " + image + " ran within " + limit.toSeconds() + " s; last: " + lastTaskState(change);
    }

    /** A task of the desired spec's image, desired and actually running: Swarm starts it only once healthy. */
    private Optional<Task> runningTask(Change change) {
        return runningTask(change, change.instance.image().text());
    }

    /** A task of {@code image}, desired and actually running. */
    private Optional<Task> runningTask(Change change, String image) {
        return manager.tasks(change.serviceId).stream()
                .filter(t -> t.getDesiredState() == TaskState.RUNNING && t.getStatus() != null
                        && t.getStatus().getState() == TaskState.RUNNING)
                .filter(t -> t.getSpec() != null && t.getSpec().getContainerSpec() != null
                        && image.equals(t.getSpec().getContainerSpec().getImage()))
                .findFirst();
    }

    private String lastTaskState(Change change) {
        return manager.tasks(change.serviceId).stream().filter(t -> t.getStatus() != null)
                .max((a, b) -> String.valueOf(a.getStatus().getTimestamp())
                        .compareTo(String.valueOf(b.getStatus().getTimestamp())))
                .map(t -> "task " + t.getStatus().getState().name().toLowerCase(Locale.ROOT)
                        + (t.getStatus().getMessage() == null ? "" : ": " + t.getStatus().getMessage())
                        + (t.getStatus().getErr() == null ? "" : " (" + t.getStatus().getErr() + ")"))
                .orElse("no task yet");
    }

    /**
     * Puts one changed instance of a failed wave back as it was, and waits until the version put back runs and passes
     * Slipway's gate again, as a rollout's own update does; returns what was done.
     */
    private SwarmOutcome.Result rollBack(Change change, Map<String, SwarmNode> nodes) {
        switch (change.action) {
            case UNCHANGED :
                return SwarmOutcome.Result.UNCHANGED;
            case CREATE :
                manager.remove(change.serviceId);
                progress.accept("  " + change.instance.id() + ": removed the service this wave created");
                return SwarmOutcome.Result.REMOVED;
            default :
                if (!change.rolledBackBySwarm) {
                    Service current = manager.service(change.name()).orElseThrow();
                    manager.update(current, change.previous);
                    awaitUpdate(change, updateLimit(change));
                }
                String unhealthy = restoredHealth(change, nodes);
                if (unhealthy != null) {
                    change.failure = (change.failure == null ? "" : change.failure + "; ") + "rolled back, but "
                            + unhealthy;
                }
                progress.accept("  " + change.instance.id() + ": rolled back to "
                        + label(change.previous, SwarmServiceSpecs.IMAGE)
                        + (unhealthy == null ? "" : ", but " + unhealthy));
                return SwarmOutcome.Result.ROLLED_BACK;
        }
    }

    /** True once the service's update or rollback has completed; false if it paused or has not within its limit. */
    private boolean awaitUpdate(Change change, Duration limit) {
        long deadline = System.nanoTime() + limit.toNanos();
        while (System.nanoTime() < deadline) {
            ServiceUpdateStatus update = manager.service(change.name()).map(Service::getUpdateStatus).orElse(null);
            if (update == null || update.getState() == ServiceUpdateState.COMPLETED
                    || update.getState() == ServiceUpdateState.ROLLBACK_COMPLETED) {
                return true;
            }
            if (update.getState() == ServiceUpdateState.ROLLBACK_PAUSED) {
                return false;
            }
            sleep();
        }
        return false;
    }

    /** How long one update (or rollback) of the instance's service may take: Swarm's monitor and scheduling. */
    private static Duration updateLimit(Change change) {
        return Duration.ofSeconds(SwarmServiceSpecs.monitorSeconds(change.instance.healthCheck()))
                .plus(SCHEDULING_ALLOWANCE);
    }

    private static void markNotStarted(FleetPlan plan, Wave failed, List<SwarmOutcome> outcomes) {
        for (Wave wave : plan.rollout().waves()) {
            if (wave.number() > failed.number()) {
                wave.instances().forEach(i -> outcomes.add(notStarted(i, "an earlier wave failed")));
            }
        }
    }

    private static SwarmOutcome notStarted(Instance instance, String why) {
        return new SwarmOutcome(instance.id(), SwarmOutcome.Action.UNCHANGED, SwarmOutcome.Result.NOT_STARTED,
                Optional.empty(), Optional.of(instance.image().text()), why);
    }

    private static String label(ServiceSpec spec, String key) {
        return spec == null || spec.getLabels() == null ? null : spec.getLabels().get(key);
    }

    private static void sleep() {
        try {
            Thread.sleep(POLL.toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new SwarmException("interrupted while waiting for the swarm");
        }
    }

    /** One instance's service as this wave changed it. */
    private static final class Change {
        final InstancePlan instance;
        final SwarmOutcome.Action action;
        final String serviceId;
        final ServiceSpec previous;
        final ServiceSpec desired;
        String failure;
        boolean rolledBackBySwarm;

        Change(InstancePlan instance, SwarmOutcome.Action action, String serviceId, ServiceSpec previous,
                ServiceSpec desired) {
            this.instance = instance;
            this.action = action;
            this.serviceId = serviceId;
            this.previous = previous;
            this.desired = desired;
        }

        String name() {
            return desired.getName();
        }

        SwarmOutcome outcome(SwarmOutcome.Result rolledBack) {
            SwarmOutcome.Result result = rolledBack != null
                    ? rolledBack
                    : action == SwarmOutcome.Action.UNCHANGED
                            ? SwarmOutcome.Result.UNCHANGED
                            : SwarmOutcome.Result.DONE;
            return new SwarmOutcome(instance.id(), action, result,
                    Optional.ofNullable(label(previous, SwarmServiceSpecs.IMAGE)), Optional.of(instance.image().text()),
                    failure == null ? "" : failure);
        }
    }
}
