package dev.slipway.plan;

import dev.slipway.dsl.Service;
import dev.slipway.validation.Fleet;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/** Computes the {@link FleetPlan} of one build of a valid fleet: images, instances and waves, once. */
public final class FleetPlanner {
    private FleetPlanner() {
    }

    /** With the fleet's own batch size. */
    public static FleetPlan plan(Fleet fleet, BuildIdentity build) {
        return plan(fleet, build, fleet.rollout().batchSize());
    }

    public static FleetPlan plan(Fleet fleet, BuildIdentity build, int batchSize) {
        List<ImagePlan> images = ImagePlanner.plan(fleet, build);
        RolloutPlan rollout = RolloutPlanner.plan(fleet, build, batchSize);
        Map<InstanceId, ImagePlan> serviceImages = new HashMap<>();
        for (ImagePlan image : images) {
            if (image.kind() == ImagePlan.Kind.SERVICE) {
                serviceImages.put(new InstanceId(image.name(), image.machine().orElseThrow()), image);
            }
        }
        Map<String, Service> services = new HashMap<>();
        fleet.services().forEach(s -> services.put(s.name(), s));
        List<InstancePlan> instances = new ArrayList<>();
        for (Instance instance : rollout.instances()) {
            ImagePlan image = serviceImages.get(instance.id());
            instances.add(new InstancePlan(instance.id(), image.image(), image.exposedPorts(),
                    image.healthCheck().orElseThrow(), RuntimePlan.of(services.get(instance.service()),
                            fleet.machine(instance.machine())), services.get(instance.service()).gpuMemory()));
        }
        return new FleetPlan(fleet.name(), fleet.registry(), build, images, instances, rollout);
    }
}
