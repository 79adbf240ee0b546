package dev.slipway.rollout;

import dev.slipway.plan.BuildIdentity;
import dev.slipway.plan.FleetPlan;
import dev.slipway.plan.InstanceId;
import dev.slipway.plan.RolloutPlan;
import java.util.List;
import java.util.Set;

/**
 * What every machine should run for one build of the fleet, as the rollout reads its {@link FleetPlan}: the waves,
 * and each instance with the container it becomes. {@code rollback --to TAG} is the plan of an earlier tag.
 */
public record DesiredFleet(FleetPlan plan, List<DesiredInstance> instances) {

    public DesiredFleet {
        instances = List.copyOf(instances);
    }

    public static DesiredFleet of(FleetPlan plan) {
        return new DesiredFleet(plan, plan.instances().stream()
                .map(instance -> new DesiredInstance(plan.fleet(), instance)).toList());
    }

    public String fleet() {
        return plan.fleet();
    }

    public BuildIdentity build() {
        return plan.build();
    }

    public String tag() {
        return plan.tag();
    }

    public RolloutPlan rollout() {
        return plan.rollout();
    }

    public List<DesiredInstance> on(String machine) {
        return instances.stream().filter(i -> i.machine().equals(machine)).toList();
    }

    public Set<String> machines() {
        return plan.machines();
    }

    public DesiredInstance instance(InstanceId id) {
        return instances.stream().filter(i -> i.id().equals(id)).findFirst()
                .orElseThrow(() -> new IllegalArgumentException("no instance " + id));
    }
}
