package dev.slipway.rollout.swarm;

import com.github.dockerjava.api.model.Service;
import com.github.dockerjava.api.model.SwarmNode;
import com.github.dockerjava.api.model.Task;
import com.github.dockerjava.api.model.TaskState;
import dev.slipway.model.ImageReference;
import dev.slipway.plan.FleetPlan;
import dev.slipway.plan.ImageNames;
import dev.slipway.plan.InstancePlan;
import dev.slipway.rollout.InstanceStatus;
import dev.slipway.rollout.InstanceStatus.Drift;
import dev.slipway.rollout.health.HealthAnswer;
import dev.slipway.rollout.health.HealthEndpoint;
import dev.slipway.rollout.health.HealthGate;
import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.function.Supplier;

/**
 * What the swarm runs for the fleet against a plan, as {@code status} shows it on Docker hosts: per instance its
 * service's current task (on whichever node), the image that task runs, its state, a live {@code GET /health} on
 * its node, and the drift. Reads only the manager (the tasks of every node) and the services' health endpoints.
 */
public final class SwarmStatusReader {
    private final SwarmManager manager;
    private final HealthGate gate;
    private final Map<String, String> addresses;

    /** {@code addresses}: where a machine's services answer, when not at its node's swarm address. */
    public SwarmStatusReader(SwarmManager manager, HealthGate gate, Map<String, String> addresses) {
        this.manager = manager;
        this.gate = gate;
        this.addresses = Map.copyOf(addresses);
    }

    /**
     * The fleet tags the services were rolled out under (by the last apply or rollback), most common first, read
     * from each service's image label; empty when the swarm runs no service of the fleet.
     */
    public List<String> deployedTags(String fleet) {
        Map<String, Long> counts = new HashMap<>();
        for (Service service : manager.services(fleet)) {
            Map<String, String> labels = labels(service);
            String image = labels.get(SwarmServiceSpecs.IMAGE);
            String machine = labels.get(SwarmServiceSpecs.MACHINE_LABEL);
            if (image == null || machine == null) {
                continue;
            }
            try {
                ImageNames.fleetTag(ImageReference.parse(image), machine)
                        .ifPresent(t -> counts.merge(t, 1L, Long::sum));
            } catch (IllegalArgumentException notSlipways) {
                // an image label Slipway did not write names no fleet tag
            }
        }
        return counts.entrySet().stream()
                .sorted(Map.Entry.<String, Long>comparingByValue().reversed().thenComparing(Map.Entry.comparingByKey()))
                .map(Map.Entry::getKey).toList();
    }

    /** One row per planned instance, machine by machine, then one per service of the fleet the plan lacks. */
    public List<InstanceStatus> read(FleetPlan plan) {
        Map<String, SwarmNode> nodes = manager.nodesByMachine();
        Map<String, String> machineOfNode = new HashMap<>();
        nodes.forEach((machine, node) -> machineOfNode.put(node.getId(), machine));
        Map<String, Service> services = new LinkedHashMap<>();
        manager.services(plan.fleet()).forEach(s -> services.put(s.getSpec().getName(), s));
        Instant now = Instant.now();
        List<InstanceStatus> rows = new ArrayList<>();
        List<InstancePlan> instances = plan.instances().stream()
                .sorted(Comparator.comparing(InstancePlan::machine)).toList();
        for (InstancePlan instance : instances) {
            String name = SwarmServiceSpecs.name(plan, instance);
            Optional<Service> service = Optional.ofNullable(services.remove(name));
            Optional<String> address = Optional.ofNullable(addresses.get(instance.machine())).or(() -> Optional
                    .ofNullable(nodes.get(instance.machine())).map(n -> n.getStatus().getAddress()));
            rows.add(row(instance.machine(), instance.service(), name, Optional.of(instance.image().text()), service,
                    address.map(a -> () -> gate.probe(a, HealthEndpoint.of(instance.healthCheck()))),
                    machineOfNode, now));
        }
        for (Service unexpected : services.values()) {
            Map<String, String> labels = labels(unexpected);
            rows.add(row(labels.getOrDefault(SwarmServiceSpecs.MACHINE_LABEL, "(no machine label)"),
                    labels.getOrDefault(SwarmServiceSpecs.SERVICE, unexpected.getSpec().getName()),
                    unexpected.getSpec().getName(), Optional.empty(), Optional.of(unexpected), Optional.empty(),
                    machineOfNode, now));
        }
        return rows;
    }

    private InstanceStatus row(String machine, String service, String name, Optional<String> desiredImage,
            Optional<Service> swarmService, Optional<Supplier<HealthAnswer>> probe, Map<String, String> machineOfNode,
            Instant now) {
        Optional<Task> task = swarmService.flatMap(this::currentTask);
        boolean running = task.map(t -> t.getStatus().getState() == TaskState.RUNNING).orElse(false);
        Optional<String> runningImage = task.filter(t -> running).map(SwarmStatusReader::image);
        Drift drift;
        if (desiredImage.isEmpty()) {
            drift = Drift.UNEXPECTED;
        } else if (swarmService.isEmpty()) {
            drift = Drift.MISSING;
        } else if (!running) {
            drift = Drift.NOT_RUNNING;
        } else if (!desiredImage.equals(runningImage)) {
            drift = Drift.OUTDATED;
        } else {
            drift = Drift.NONE;
        }
        String state = swarmService.isEmpty()
                ? "absent"
                : task.map(t -> t.getStatus().getState().name().toLowerCase(Locale.ROOT) + " on "
                        + machineOfNode.getOrDefault(t.getNodeId(), "node " + t.getNodeId()))
                        .orElse("no task");
        Optional<Long> uptime = task.filter(t -> running).flatMap(t -> instant(t.getStatus().getTimestamp()))
                .map(since -> Duration.between(since, now).toSeconds());
        return new InstanceStatus(machine, service, name, desiredImage, Optional.empty(), runningImage,
                Optional.empty(), state, Optional.empty(),
                probe.filter(p -> running).map(p -> p.get().describe()), uptime, drift);
    }

    /** The task Swarm wants running (the newest one when it is replacing a task), else the newest of all. */
    private Optional<Task> currentTask(Service service) {
        Comparator<Task> newest = Comparator.comparing(t -> String.valueOf(t.getStatus().getTimestamp()));
        List<Task> tasks = manager.tasks(service.getId()).stream().filter(t -> t.getStatus() != null).toList();
        return tasks.stream().filter(t -> t.getDesiredState() == TaskState.RUNNING).max(newest)
                .or(() -> tasks.stream().max(newest));
    }

    private static String image(Task task) {
        return task.getSpec() == null || task.getSpec().getContainerSpec() == null
                ? "(unknown)"
                : task.getSpec().getContainerSpec().getImage();
    }

    private static Optional<Instant> instant(String timestamp) {
        try {
            return Optional.ofNullable(timestamp).map(Instant::parse);
        } catch (DateTimeParseException e) {
            return Optional.empty();
        }
    }

    private static Map<String, String> labels(Service service) {
        return service.getSpec() == null || service.getSpec().getLabels() == null
                ? Map.of()
                : service.getSpec().getLabels();
    }
}
