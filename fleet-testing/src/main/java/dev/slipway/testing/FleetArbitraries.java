package dev.slipway.testing;

import static dev.slipway.dsl.Slipway.family;
import static dev.slipway.dsl.Slipway.fleet;
import static dev.slipway.dsl.Slipway.machine;
import static dev.slipway.dsl.Slipway.service;

import dev.slipway.dsl.Base;
import dev.slipway.dsl.Family;
import dev.slipway.dsl.FleetSpec;
import dev.slipway.dsl.MachineProfile;
import dev.slipway.dsl.Rollout;
import dev.slipway.dsl.Service;
import dev.slipway.model.DataSize;
import dev.slipway.model.Port;
import dev.slipway.validation.Fleet;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;

/**
 * Generators of valid fleets for property tests, yours and Slipway's:
 * {@code @Property void f(@ForAll("fleets") Fleet fleet)} with {@code @Provide Arbitrary<Fleet> fleets() { return
 * FleetArbitraries.fleets(); }}. Every generated fleet validates; shrinking yields the smallest failing fleet.
 * Ports are unique across the whole fleet, so a test that injects one collision knows exactly who collides.
 */
public final class FleetArbitraries {
    private static final int MAX_SERVICES = 40;

    private FleetArbitraries() {
    }

    /** A service before its ports are allotted: which machines, which family, how much GPU memory. */
    private record Draft(int machineMask, int familyIndex, int portSeed, int gpuMiB) {
    }

    public static Arbitrary<Fleet> fleets() {
        return fleetSpecs().map(spec -> Fleet.compile(spec).orThrow());
    }

    public static Arbitrary<FleetSpec> fleetSpecs() {
        Arbitrary<Integer> machineCount = Arbitraries.integers().between(1, 4);
        Arbitrary<List<Draft>> drafts = Combinators.combine(
                Arbitraries.integers().between(1, 15),
                Arbitraries.integers().between(0, 3),
                Arbitraries.integers().between(Port.LOWEST, 60000),
                Arbitraries.of(0, 0, 512, 1024))
                .as(Draft::new)
                .list().ofMinSize(1).ofMaxSize(MAX_SERVICES);
        Arbitrary<Integer> batchSize = Arbitraries.integers().between(1, 6);
        return Combinators.combine(machineCount, drafts, batchSize).as(FleetArbitraries::assemble);
    }

    private static FleetSpec assemble(int machineCount, List<Draft> drafts, int batchSize) {
        List<MachineProfile> machines = new ArrayList<>();
        for (int i = 0; i < machineCount; i++) {
            String name = i == 0 ? "mainpc" : "m" + i;
            machines.add(machine(name).gpu("test gpu", DataSize.ofGiB(1024), i % 2 == 0 ? "8.9" : "8.6")
                    .ompNumThreads(1 + i).uvicornWorkers(2).modelEvictThresholdPct(90));
        }
        Family root = family("gen-root").from(Base.scratch());
        Family cpu = family("gen-cpu").parent(root).env("LAYER", "cpu");
        Family gpu = family("gen-gpu").parent(root).cuda("8.6", "8.9");
        Family gpuChild = family("gen-gpu-child").parent(gpu);
        List<Family> families = List.of(root, cpu, gpu, gpuChild);

        Set<Integer> taken = new HashSet<>();
        List<Service> services = new ArrayList<>();
        for (int i = 0; i < drafts.size(); i++) {
            Draft draft = drafts.get(i);
            int servicePort = nextFree(draft.portSeed(), taken);
            int healthPort = nextFree(servicePort + 1000, taken);
            List<MachineProfile> on = new ArrayList<>();
            for (int m = 0; m < machineCount; m++) {
                if ((draft.machineMask() & (1 << m)) != 0) {
                    on.add(machines.get(m));
                }
            }
            if (on.isEmpty()) {
                on.add(machines.get(draft.machineMask() % machineCount));
            }
            Service service = service("svc_" + i).family(families.get(draft.familyIndex()))
                    .ports(servicePort, healthPort).on(on.toArray(MachineProfile[]::new))
                    .app("services/svc_" + i).command("python3", "-m", "svc_" + i);
            if (draft.gpuMiB() > 0) {
                service = service.gpuMemory(DataSize.ofMiB(draft.gpuMiB()));
            }
            services.add(service);
        }
        return fleet("generated").registry("127.0.0.1:5000/gen")
                .machines(machines.toArray(MachineProfile[]::new))
                .services(services)
                .rollout(Rollout.canaryOn(machines.get(0)).batchesOf(batchSize));
    }

    private static int nextFree(int seed, Set<Integer> taken) {
        int port = Port.LOWEST + Math.floorMod(seed - Port.LOWEST, Port.HIGHEST - Port.LOWEST + 1);
        while (!taken.add(port)) {
            port = port == Port.HIGHEST ? Port.LOWEST : port + 1;
        }
        return port;
    }

    private static final class Dsl {
        static final int LOWEST_PORT = dev.slipway.model.Port.LOWEST;
        static final int HIGHEST_PORT = dev.slipway.model.Port.HIGHEST;
    }
}
