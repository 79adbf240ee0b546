package dev.slipway.runner;

import com.fasterxml.jackson.annotation.JsonInclude;
import dev.slipway.plan.FleetPlan;
import dev.slipway.plan.ImagePlan;
import dev.slipway.plan.RolloutPlan;
import dev.slipway.rollout.LivePlan;
import dev.slipway.plan.InstancePlan;
import dev.slipway.plan.RuntimePlan;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * What {@code plan --json} prints: the {@link FleetPlan}'s serialisation (docs/plan-json.md), and with hosts the
 * live plan against them.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
record PlanDocument(String fleet, String tag, String revision, List<ImagePlan> images, RolloutPlan rollout,
        @JsonInclude(JsonInclude.Include.NON_EMPTY) Map<String, RuntimePlan> runtime, LivePlan live) {

    static PlanDocument of(FleetPlan plan, LivePlan live) {
        return new PlanDocument(plan.fleet(), plan.tag(), plan.build().revision(), plan.images(), plan.rollout(),
                runtimeSettings(plan), live);
    }

    /** Runtime settings of the instances that have any besides the defaults, by {@code service@machine}. */
    private static Map<String, RuntimePlan> runtimeSettings(FleetPlan plan) {
        Map<String, RuntimePlan> settings = new TreeMap<>();
        for (InstancePlan instance : plan.instances()) {
            if (!instance.runtime().isDefault()) {
                settings.put(instance.id().toString(), instance.runtime());
            }
        }
        return settings;
    }
}
