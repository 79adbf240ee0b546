package dev.slipway.validation;

import dev.slipway.dsl.Family;
import dev.slipway.dsl.FleetSpec;
import dev.slipway.dsl.MachineProfile;
import dev.slipway.dsl.Rollout;
import dev.slipway.dsl.Service;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * A fleet that passed every rule. It can only be obtained from {@link #compile(FleetSpec)}, so code that takes a
 * {@code Fleet} never re-validates. Families are ordered parents first; services keep their declared order.
 */
public final class Fleet {
    private final String name;
    private final String registry;
    private final List<MachineProfile> machines;
    private final List<Family> families;
    private final List<Service> services;
    private final Rollout rollout;

    private Fleet(FleetSpec spec) {
        this.name = spec.name();
        this.registry = spec.registry();
        this.machines = spec.machines();
        this.families = familiesParentsFirst(spec);
        this.services = spec.services();
        this.rollout = spec.rollout().orElseGet(() -> Rollout.canaryOn(spec.machines().get(0)));
    }

    /** Checks every rule and returns the fleet, or all problems found (sorted, so output is stable). */
    public static Compilation compile(FleetSpec spec) {
        List<Problem> problems = FleetRules.check(spec);
        if (!problems.isEmpty()) {
            return new Compilation(Optional.empty(), problems);
        }
        return new Compilation(Optional.of(new Fleet(spec)), List.of());
    }

    /** Every family the spec mentions, declared or used by a service, each after its parent. */
    static List<Family> familiesParentsFirst(FleetSpec spec) {
        Map<String, Family> ordered = new LinkedHashMap<>();
        List<Family> mentioned = new ArrayList<>(spec.families());
        spec.services().forEach(s -> mentioned.add(s.family()));
        for (Family family : mentioned) {
            for (Family f : family.lineage()) {
                ordered.putIfAbsent(f.name(), f);
            }
        }
        return List.copyOf(ordered.values());
    }

    public String name() {
        return name;
    }

    /** {@code host[:port]/org}, e.g. {@code ghcr.io/haymayndzultra}. */
    public String registry() {
        return registry;
    }

    public List<MachineProfile> machines() {
        return machines;
    }

    public List<Family> families() {
        return families;
    }

    public List<Service> services() {
        return services;
    }

    public Rollout rollout() {
        return rollout;
    }

    public MachineProfile machine(String machineName) {
        return machines.stream().filter(m -> m.name().equals(machineName)).findFirst()
                .orElseThrow(() -> new IllegalArgumentException("no machine '" + machineName + "' in fleet " + name));
    }

    public Optional<Service> service(String serviceName) {
        return services.stream().filter(s -> s.name().equals(serviceName)).findFirst();
    }

    public Optional<Family> family(String familyName) {
        return families.stream().filter(f -> f.name().equals(familyName)).findFirst();
    }

    public List<Service> servicesOn(MachineProfile machine) {
        return services.stream().filter(s -> s.runsOn(machine)).toList();
    }

    @Override
    public String toString() {
        return "fleet " + name + ": " + services.size() + " services, " + families.size() + " families, "
                + machines.size() + " machines";
    }
}
