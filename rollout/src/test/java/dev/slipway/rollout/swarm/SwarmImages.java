package dev.slipway.rollout.swarm;

import dev.slipway.model.HealthCheck;
import dev.slipway.plan.FleetPlan;
import dev.slipway.plan.ImagePlan;
import dev.slipway.plan.InstancePlan;
import dev.slipway.testkit.TwoNodeSwarm;
import java.nio.file.Path;
import java.util.Map;

/** A plan's images on the swarm's nodes, as the build would make them (the test's busybox httpd under tini). */
final class SwarmImages {
    private SwarmImages() {
    }

    /**
     * Each instance's image on its machine's engine, serving {@code health} from {@code bodies} (the healthy body when
     * absent), with appuser's home holding {@code homeDirectories}.
     */
    static void load(TwoNodeSwarm swarm, FleetPlan plan, Map<String, String> bodies, Path dir,
            String... homeDirectories) throws Exception {
        for (InstancePlan instance : plan.instances()) {
            ImagePlan image = plan.image(instance.image().text()).orElseThrow();
            swarm.importImage(instance.machine(), instance.image().text(), instance.healthCheck().port().number(),
                    image.user(), bodies.getOrDefault(instance.service(), HealthCheck.HEALTHY_BODY), dir,
                    homeDirectories);
        }
    }
}
