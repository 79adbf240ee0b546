package dev.slipway.rollout;

import dev.slipway.plan.BuildIdentity;
import dev.slipway.plan.ImagePlan;
import dev.slipway.plan.ImagePlanner;
import dev.slipway.plan.Instance;
import dev.slipway.plan.RolloutPlan;
import dev.slipway.plan.RolloutPlanner;
import dev.slipway.validation.Fleet;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * What every machine should run for one build of the fleet: the planner's waves, each instance with its image,
 * ports and health check. {@code rollback --to TAG} is the same fleet with an earlier tag.
 */
public record DesiredFleet(String fleet, BuildIdentity build, RolloutPlan plan, List<DesiredInstance> instances) {

    public DesiredFleet {
        instances = List.copyOf(instances);
    }

    public static DesiredFleet of(Fleet fleet, BuildIdentity build, int batchSize) {
        RolloutPlan plan = RolloutPlanner.plan(fleet, build, batchSize);
        Map<String, ImagePlan> images = new HashMap<>();
        for (ImagePlan image : ImagePlanner.plan(fleet, build)) {
            if (image.kind() == ImagePlan.Kind.SERVICE) {
                images.put(image.name() + "@" + image.machine().orElseThrow(), image);
            }
        }
        List<DesiredInstance> instances = plan.instances().stream()
                .map(instance -> desired(fleet.name(), instance, images.get(instance.id())))
                .toList();
        return new DesiredFleet(fleet.name(), build, plan, instances);
    }

    private static DesiredInstance desired(String fleet, Instance instance, ImagePlan image) {
        if (image == null) {
            throw new IllegalStateException("the image planner has no image for " + instance.id());
        }
        return new DesiredInstance(fleet, instance, image.exposedPorts(), image.healthCheck().orElseThrow());
    }

    public String tag() {
        return build.tag();
    }

    public List<DesiredInstance> on(String machine) {
        return instances.stream().filter(i -> i.machine().equals(machine)).toList();
    }

    public Set<String> machines() {
        Set<String> machines = new LinkedHashSet<>();
        instances.forEach(i -> machines.add(i.machine()));
        return machines;
    }

    public DesiredInstance instance(String id) {
        return instances.stream().filter(i -> i.id().equals(id)).findFirst()
                .orElseThrow(() -> new IllegalArgumentException("no instance " + id));
    }
}
