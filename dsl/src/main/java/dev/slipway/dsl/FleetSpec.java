package dev.slipway.dsl;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * A fleet as declared: machines, families and services, not yet checked. {@code Fleet.compile(spec)} turns it
 * into a validated {@code Fleet} or the full list of problems.
 */
public record FleetSpec(
        String name,
        String registry,
        List<MachineProfile> machines,
        List<Family> families,
        List<Service> services,
        Optional<Rollout> rollout) {

    public FleetSpec {
        machines = List.copyOf(machines);
        families = List.copyOf(families);
        services = List.copyOf(services);
    }

    /** {@code registry} is {@code host[:port]/org}; images are pushed below it. */
    public FleetSpec registry(String hostAndOrg) {
        return new FleetSpec(name, hostAndOrg, machines, families, services, rollout);
    }

    public FleetSpec machines(MachineProfile... more) {
        List<MachineProfile> all = new ArrayList<>(machines);
        all.addAll(List.of(more));
        return new FleetSpec(name, registry, all, families, services, rollout);
    }

    /** Declares families explicitly; families that services use are included anyway. */
    public FleetSpec families(Family... more) {
        List<Family> all = new ArrayList<>(families);
        all.addAll(List.of(more));
        return new FleetSpec(name, registry, machines, all, services, rollout);
    }

    public FleetSpec services(Service... more) {
        return services(List.of(more));
    }

    public FleetSpec services(List<Service> more) {
        List<Service> all = new ArrayList<>(services);
        all.addAll(more);
        return new FleetSpec(name, registry, machines, families, all, rollout);
    }

    public FleetSpec rollout(Rollout plan) {
        return new FleetSpec(name, registry, machines, families, services, Optional.of(plan));
    }
}
