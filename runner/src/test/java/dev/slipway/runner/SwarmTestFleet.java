package dev.slipway.runner;

import static dev.slipway.dsl.Slipway.family;
import static dev.slipway.dsl.Slipway.fleet;
import static dev.slipway.dsl.Slipway.service;
import static dev.slipway.machines.MachineProfiles.MAINPC;

import dev.slipway.dsl.Base;
import dev.slipway.dsl.Family;
import dev.slipway.dsl.FleetDefinitionSource;
import dev.slipway.dsl.FleetSpec;
import dev.slipway.dsl.HealthProbe;
import dev.slipway.dsl.Rollout;
import dev.slipway.dsl.Service;

/**
 * Two services on one machine for {@code apply --swarm}: busybox httpd on the health port (the test's image), alpha
 * receiving the secret {@value #TOKEN} as a file. Images are the test's own, so nothing is built.
 */
public final class SwarmTestFleet implements FleetDefinitionSource {
    static final String NAME = "swarmapply";
    static final String TOKEN = "SLIPWAY_SWARM_TEST_TOKEN";

    @Override
    public FleetSpec define() {
        Family busybox = family("busybox").from(Base.scratch()).healthProbe(HealthProbe.BUSYBOX_WGET);
        return fleet(NAME).registry("registry.invalid/slipway").machines(MAINPC).families(busybox)
                .services(web("alpha", busybox, 1).secret(TOKEN), web("bravo", busybox, 2))
                .rollout(Rollout.canaryOn(MAINPC));
    }

    static int healthPort(int n) {
        return 18500 + n;
    }

    private static Service web(String name, Family family, int n) {
        return service(name).family(family).ports(17500 + n, healthPort(n)).on(MAINPC)
                .healthCheck(RolloutTestFleet.QUICK);
    }
}
