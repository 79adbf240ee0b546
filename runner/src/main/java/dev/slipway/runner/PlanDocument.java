package dev.slipway.runner;

import com.fasterxml.jackson.annotation.JsonInclude;
import dev.slipway.plan.FleetPlan;
import dev.slipway.plan.ImagePlan;
import dev.slipway.plan.RolloutPlan;
import dev.slipway.rollout.LivePlan;
import java.util.List;

/**
 * What {@code plan --json} prints: the {@link FleetPlan}'s serialisation (docs/plan-json.md), and with hosts the
 * live plan against them.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
record PlanDocument(String fleet, String tag, String revision, List<ImagePlan> images, RolloutPlan rollout,
        LivePlan live) {

    static PlanDocument of(FleetPlan plan, LivePlan live) {
        return new PlanDocument(plan.fleet(), plan.tag(), plan.build().revision(), plan.images(), plan.rollout(),
                live);
    }
}
