package dev.slipway.runner;

import dev.slipway.images.BuildTarget;
import dev.slipway.plan.FleetPlan;
import dev.slipway.rollout.secrets.SecretValues;
import dev.slipway.rollout.swarm.SwarmException;
import dev.slipway.rollout.swarm.SwarmManager;
import java.io.PrintWriter;
import java.util.Map;
import java.util.Optional;

/** {@code apply --swarm ENGINE}: the fleet rolled out as Swarm services through one manager instead of per host. */
final class SwarmApply {
    private SwarmApply() {
    }

    /**
     * Refuses what Swarm cannot express and missing secrets, then connects, all before anything is built, so a
     * refused run changes nothing; builds, checks signatures (--require-signed) before any service changes, rolls
     * out ({@link SwarmRun}: lock, images in the registry, waves, audit line). Exit 0 done, 3 rolled back.
     */
    static int run(SwarmOptions swarm, PlanOptions planning, TagOption tag, BuildOptions build,
            RolloutOptions rollout, boolean skipBuild, Optional<RequiredSignatures> required, PrintWriter out,
            PrintWriter err) {
        Map<String, String> gateAddresses = swarm.gateAddresses();
        var planned = planning.plan("--tag", tag.tag(), rollout.batch.batchSize(), Optional.of(out));
        FleetPlan plan = planned.plan();
        SwarmOptions.refuseWhatSwarmCannotExpress(plan);
        SecretValues secrets = rollout.secrets(plan);
        try (SwarmManager manager = swarm.connect()) {
            ZstdEngineCheck.requireSwarm(build.compression(BuildTarget.registry(build.insecure)), manager,
                    plan.machines());
            if (!skipBuild) {
                try {
                    new ImageBuild(out, err).run(planned, build.target(Optional.of(plan.registry())), build,
                            planning.cache());
                } catch (UserError e) {
                    throw e.followedBy("apply: the build failed; nothing was rolled out.");
                }
            }
            required.ifPresent(r -> r.require(plan, build.insecure));
            return new SwarmRun(rollout, gateAddresses, build.insecure, out, err).run("apply", plan, secrets,
                    manager);
        } catch (SwarmException e) {
            throw new UserError(e.getMessage());
        }
    }
}
