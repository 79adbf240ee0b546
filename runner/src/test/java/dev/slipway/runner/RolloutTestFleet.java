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
import dev.slipway.dsl.Service;
import dev.slipway.model.HealthCheck;
import java.time.Duration;

/**
 * A fleet that really runs: busybox httpd under tini as appuser, serving {@code /health} from each service's
 * {@code www/health}. bravo runs on both machines on the same ports. Canary wave on mainpc, then batches of two.
 * The registry is replaced with the test's own by {@code --registry}. A short start period keeps failing gates quick.
 */
public final class RolloutTestFleet implements FleetDefinitionSource {
    static final String NAME = "rollouttest";
    static final HealthCheck QUICK = HealthCheck.SPEC_DEFAULT.withStartPeriod(Duration.ofSeconds(6));

    @Override
    public FleetSpec define() {
        Family busybox = family("busybox").from(Base.tarball("base/busybox-tini.tar"))
                .healthProbe(HealthProbe.BUSYBOX_WGET);
        return fleet(NAME).registry("registry.invalid/slipway").machines(MAINPC, PC2).families(busybox)
                .services(
                        web("alpha", busybox, 1).on(MAINPC),
                        web("bravo", busybox, 2).on(MAINPC, PC2),
                        web("charlie", busybox, 3).on(PC2),
                        web("delta", busybox, 4).on(PC2))
                .rollout(Rollout.canaryOn(MAINPC).batchesOf(2));
    }

    static int healthPort(int n) {
        return 18100 + n;
    }

    private static Service web(String name, Family family, int n) {
        return service(name).family(family).ports(17100 + n, healthPort(n)).app("services/" + name)
                .command("httpd", "-f", "-p", Integer.toString(healthPort(n)), "-h", "/app/www")
                .healthCheck(QUICK);
    }
}
