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
import dev.slipway.model.DataSize;

/**
 * Services that use every runtime setting, on busybox httpd as in {@link RolloutTestFleet}: the family sets shm and
 * a ulimit once; api depends on bus, receives HF_TOKEN as a file, keeps a cache volume and has limits and its own
 * log rotation; worker receives WORKER_KEY as env; plain has no setting. {@link #withGpuService} adds a GPU service.
 */
public final class RunningServicesTestFleet implements FleetDefinitionSource {
    static final String NAME = "runtest";
    static volatile boolean withGpuService;

    @Override
    public FleetSpec define() {
        Family busybox = family("busybox").from(Base.tarball("base/busybox-tini.tar"))
                .healthProbe(HealthProbe.BUSYBOX_WGET).shmSize(DataSize.ofMiB(128)).ulimit("nofile", 4096, 8192);
        Service bus = web("bus", busybox, 1).on(MAINPC);
        FleetSpec spec = fleet(NAME).registry("registry.invalid/slipway").machines(MAINPC, PC2).families(busybox)
                .services(
                        web("api", busybox, 2).on(MAINPC).dependsOn(bus).secret("HF_TOKEN")
                                .volume("runtest-cache", "/home/appuser/.cache").memory(DataSize.ofMiB(256)).cpus(1.5)
                                .logs(DataSize.ofMiB(1), 2),
                        bus,
                        web("worker", busybox, 3).on(PC2).secretAsEnv("WORKER_KEY"),
                        web("plain", busybox, 4).on(PC2).command("sh", "-c", "echo plain started on $SLIPWAY_MACHINE"
                                + " && exec httpd -f -p " + healthPort(4) + " -h /app/www"));
        if (withGpuService) {
            spec = spec.services(web("gpu", busybox, 5).on(MAINPC).gpus());
        }
        return spec.rollout(Rollout.canaryOn(MAINPC).batchesOf(2));
    }

    static int healthPort(int n) {
        return 18300 + n;
    }

    private static Service web(String name, Family family, int n) {
        return service(name).family(family).ports(17300 + n, healthPort(n)).app("services/" + name)
                .command("httpd", "-f", "-p", Integer.toString(healthPort(n)), "-h", "/app/www")
                .healthCheck(RolloutTestFleet.QUICK);
    }
}
