package dev.slipway.plan;

import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * One build of a validated fleet, computed once by {@link FleetPlanner}: every image (families parents first, then
 * every service on every machine), every instance the machines should run, and the rollout waves. It is the
 * contract between Slipway's modules: building, rolling out, rendering and pictures read this, never the DSL.
 * {@code plan --json} is its serialisation (docs/plan-json.md).
 */
public record FleetPlan(String fleet, String registry, BuildIdentity build, List<ImagePlan> images,
        List<InstancePlan> instances, RolloutPlan rollout) {

    public FleetPlan {
        images = List.copyOf(images);
        instances = List.copyOf(instances);
    }

    public String tag() {
        return build.tag();
    }

    public InstancePlan instance(InstanceId id) {
        return instances.stream().filter(i -> i.id().equals(id)).findFirst()
                .orElseThrow(() -> new IllegalArgumentException("no instance " + id + " in the plan"));
    }

    public List<InstancePlan> on(String machine) {
        return instances.stream().filter(i -> i.machine().equals(machine)).toList();
    }

    /** The machines that run at least one instance, in rollout order. */
    public Set<String> machines() {
        Set<String> machines = new LinkedHashSet<>();
        instances.forEach(i -> machines.add(i.machine()));
        return machines;
    }

    public Optional<ImagePlan> image(String reference) {
        return images.stream().filter(i -> i.image().text().equals(reference)).findFirst();
    }

    /** Instances by id, in rollout order. */
    public Map<InstanceId, InstancePlan> instancesById() {
        Map<InstanceId, InstancePlan> byId = new LinkedHashMap<>();
        instances.forEach(i -> byId.put(i.id(), i));
        return byId;
    }
}
