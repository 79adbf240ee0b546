package dev.slipway.plan;

import dev.slipway.dsl.MachineProfile;
import dev.slipway.dsl.Rollout;
import dev.slipway.dsl.Service;
import dev.slipway.model.ImageReference;
import dev.slipway.validation.Fleet;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Orders a fleet's instances: every instance on the canary machine is the canary wave; the others follow in
 * batches of the configured size, machines in declared order, services in declared order, except that a service
 * comes after the services it depends on (inside the canary wave, and across the batches), so it is started only once
 * they passed their health gate in the same rollout. Canary first wins: a canary instance does not wait for a
 * dependency that runs only on other machines (their running instances serve it).
 */
public final class RolloutPlanner {
    private RolloutPlanner() {
    }

    public static RolloutPlan plan(Fleet fleet, BuildIdentity build) {
        return plan(fleet, build, fleet.rollout().batchSize());
    }

    public static RolloutPlan plan(Fleet fleet, BuildIdentity build, int batchSize) {
        return plan(fleet, batchSize, (service, machine) -> ImageNames.service(fleet, service, machine, build.tag()));
    }

    /** The image each instance runs, as the image planner named it. */
    interface InstanceImages {
        ImageReference of(Service service, MachineProfile machine);
    }

    static RolloutPlan plan(Fleet fleet, int batchSize, InstanceImages images) {
        if (batchSize < 1) {
            // the CLI refuses this at its edge (--batch-size); reaching here is a programming error
            throw new IllegalArgumentException("batch size must be at least 1, was " + batchSize);
        }
        Rollout rollout = fleet.rollout();
        Map<String, List<Service>> servicesByMachine = new HashMap<>();
        for (Service service : fleet.services()) {
            for (MachineProfile machine : service.machines()) {
                servicesByMachine.computeIfAbsent(machine.name(), m -> new ArrayList<>()).add(service);
            }
        }
        List<Instance> canary = new ArrayList<>();
        List<Instance> rest = new ArrayList<>();
        for (MachineProfile machine : fleet.machines()) {
            List<Instance> instances = machine.name().equals(rollout.canaryMachine()) ? canary : rest;
            for (Service service : servicesByMachine.getOrDefault(machine.name(), List.of())) {
                instances.add(new Instance(service.name(), machine.name(), images.of(service, machine)));
            }
        }
        Map<String, List<String>> dependencies = new HashMap<>();
        fleet.services().stream().filter(s -> !s.runtime().dependsOn().isEmpty())
                .forEach(s -> dependencies.put(s.name(), s.runtime().dependsOn()));
        if (!dependencies.isEmpty()) {
            canary = StartOrder.sort(canary, dependencies);
            rest = StartOrder.sort(rest, dependencies);
        }
        List<Wave> waves = new ArrayList<>();
        if (!canary.isEmpty()) {
            waves.add(new Wave(1, Wave.Kind.CANARY, canary));
        }
        for (int i = 0; i < rest.size(); i += batchSize) {
            waves.add(
                    new Wave(waves.size() + 1, Wave.Kind.BATCH, rest.subList(i, Math.min(rest.size(), i + batchSize))));
        }
        return new RolloutPlan(rollout.canaryMachine(), batchSize, waves);
    }
}
