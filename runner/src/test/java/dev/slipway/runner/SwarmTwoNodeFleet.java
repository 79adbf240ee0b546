package dev.slipway.runner;

import static dev.slipway.dsl.Slipway.family;
import static dev.slipway.dsl.Slipway.fleet;
import static dev.slipway.dsl.Slipway.service;
import static dev.slipway.machines.MachineProfiles.MAINPC;
import static dev.slipway.machines.MachineProfiles.PC2;

import dev.slipway.dsl.Base;
import dev.slipway.dsl.Family;
import dev.slipway.dsl.FleetDefinitionSource;
import dev.slipway.dsl.FleetSpec;
import dev.slipway.dsl.HealthProbe;
import dev.slipway.dsl.Rollout;
import dev.slipway.model.HealthCheck;
import java.time.Duration;

/**
 * One service per machine of a two-node swarm, for {@code status}, {@code plan} and {@code rollback} with
 * {@code --swarm}: busybox httpd on the health port (the test's image), alpha on mainpc (the canary), bravo on pc2.
 */
public final class SwarmTwoNodeFleet implements FleetDefinitionSource {
    static final String NAME = "swarmtwo";
    static final int ALPHA_HEALTH = 18601;
    static final int BRAVO_HEALTH = 18602;
    /** Checked every 2 s: Swarm holds a task in "starting" until its first check passes and monitors an update. */
    static final HealthCheck FAST = new HealthCheck("/health", Duration.ofSeconds(2), Duration.ofSeconds(1),
            Duration.ofSeconds(4), 2);

    @Override
    public FleetSpec define() {
        Family busybox = family("busybox").from(Base.scratch()).healthProbe(HealthProbe.BUSYBOX_WGET);
        return fleet(NAME).registry("registry.invalid/slipway").machines(MAINPC, PC2).families(busybox)
                .services(service("alpha").family(busybox).ports(17601, ALPHA_HEALTH).on(MAINPC)
                        .healthCheck(FAST),
                        service("bravo").family(busybox).ports(17602, BRAVO_HEALTH).on(PC2)
                                .healthCheck(FAST))
                .rollout(Rollout.canaryOn(MAINPC));
    }
}
