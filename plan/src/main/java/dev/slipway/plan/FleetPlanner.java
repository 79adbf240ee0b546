package dev.slipway.plan;

import dev.slipway.dsl.MachineProfile;
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
        // Service images come in fleet order, each service's machines in turn: an instance's image is found by the
        // index of its service's first image plus its machine's place, with no second naming or search.
        Map<String, Integer> firstImage = new HashMap<>(fleet.services().size() * 2);
        int next = fleet.families().size();
        for (Service service : fleet.services()) {
            firstImage.put(service.name(), next);
            next += service.machines().size();
        }
        RolloutPlan rollout = RolloutPlanner.plan(fleet, batchSize,
                (service, machine) -> imageOf(images, firstImage, service, machine).image());
        Map<String, Service> services = new HashMap<>(fleet.services().size() * 2);
        fleet.services().forEach(s -> services.put(s.name(), s));
        Map<String, MachineProfile> machines = new HashMap<>();
        fleet.machines().forEach(m -> machines.put(m.name(), m));
        List<InstancePlan> instances = new ArrayList<>(images.size());
        for (Wave wave : rollout.waves()) {
            for (Instance instance : wave.instances()) {
                Service service = services.get(instance.service());
                MachineProfile machine = machines.get(instance.machine());
                ImagePlan image = imageOf(images, firstImage, service, machine);
                instances.add(new InstancePlan(instance.id(), image.image(), image.exposedPorts(),
                        image.healthCheck().orElseThrow(), RuntimePlan.of(service, machine), service.gpuMemory()));
            }
        }
        return new FleetPlan(fleet.name(), fleet.registry(), build, images, instances, rollout);
    }

    private static ImagePlan imageOf(List<ImagePlan> images, Map<String, Integer> firstImage, Service service,
            MachineProfile machine) {
        ImagePlan image = images.get(firstImage.get(service.name()) + service.machines().indexOf(machine));
        if (!image.name().equals(service.name()) || !image.machine().orElse("").equals(machine.name())) {
            throw new IllegalStateException("the image planner's order changed: " + image.image() + " where "
                    + new InstanceId(service.name(), machine.name()) + " was expected");
        }
        return image;
    }
}
