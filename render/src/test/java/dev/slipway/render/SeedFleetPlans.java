package dev.slipway.render;

import dev.slipway.fleet.FleetDefinition;
import dev.slipway.model.DataSize;
import dev.slipway.plan.BuildIdentity;
import dev.slipway.plan.FleetPlan;
import dev.slipway.plan.FleetPlanner;
import dev.slipway.plan.InstancePlan;
import dev.slipway.rollout.Action;
import dev.slipway.rollout.InstanceChange;
import dev.slipway.rollout.LivePlan;
import dev.slipway.validation.Fleet;
import java.nio.file.Path;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/** The seed fleet's plan as the pictures' tests draw it, and the inputs they add to it. */
final class SeedFleetPlans {
    static final BuildIdentity BUILD = BuildIdentity.of(LocalDate.of(2026, 12, 1), "495ba93cd641f3ce012676f4");
    static final Path SEED_DIRECTORY = Path.of("..", "fleet-definition");

    private SeedFleetPlans() {
    }

    /** Planned afresh on every call, so two calls share no object. */
    static FleetPlan seed() {
        return FleetPlanner.plan(Fleet.compile(new FleetDefinition().define()).orThrow(), BUILD);
    }

    static FleetPicture picture(FleetPlan plan, Optional<LivePlan> live) {
        return new FleetPicture(plan, live, Optional.empty(), FamilyContents.read(plan, SEED_DIRECTORY));
    }

    /**
     * The seed plan with {@code each} reserved by every instance on {@code machine}: validation refuses an
     * over-budget fleet, so this is how a page that shows one is made.
     */
    static FleetPlan reserving(FleetPlan plan, String machine, DataSize each) {
        List<InstancePlan> instances = new ArrayList<>();
        for (InstancePlan i : plan.instances()) {
            instances.add(i.machine().equals(machine)
                    ? new InstancePlan(i.id(), i.image(), i.ports(), i.healthCheck(), i.runtime(), Optional.of(each))
                    : i);
        }
        return new FleetPlan(plan.fleet(), plan.registry(), plan.build(), plan.images(), instances, plan.rollout());
    }

    /** Hosts that run every instance: the canary's first is updated, one more created, the rest unchanged, and
     * one container the definition no longer has is removed. */
    static LivePlan live(FleetPlan plan) {
        List<InstanceChange> changes = new ArrayList<>();
        List<InstancePlan> instances = plan.instances();
        for (int n = 0; n < instances.size(); n++) {
            InstancePlan i = instances.get(n);
            Action action = n == 0 ? Action.UPDATE : n == 1 ? Action.CREATE : Action.UNCHANGED;
            changes.add(new InstanceChange(i.machine(), i.service(), action, "slipway-" + i.service(),
                    action == Action.CREATE ? Optional.empty() : Optional.of(i.image().text()),
                    action == Action.CREATE ? Optional.empty() : Optional.of("sha256:" + "a".repeat(64)),
                    Optional.of(i.image().text()), Optional.of("sha256:" + "b".repeat(64)),
                    action == Action.UPDATE
                            ? "image digest differs"
                            : action == Action.CREATE
                                    ? "not running"
                                    : "same digest",
                    Optional.empty()));
        }
        changes.add(new InstanceChange("pc2", "retired_service", Action.REMOVE, "slipway-retired_service",
                Optional.of("ghcr.io/haymayndzultra/ai_system/retired_service:old-pc2"),
                Optional.of("sha256:" + "c".repeat(64)), Optional.empty(), Optional.empty(),
                "not in the definition", Optional.empty()));
        return new LivePlan(plan.fleet(), plan.tag(), changes, List.of());
    }
}
