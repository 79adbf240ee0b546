package dev.slipway.dsl;

import java.util.List;
import java.util.Optional;

/** The DSL's entry points; {@code import static dev.slipway.dsl.Slipway.*} in a FleetDefinition. */
public final class Slipway {
    private Slipway() {
    }

    public static FleetSpec fleet(String name) {
        return new FleetSpec(name, "", List.of(), List.of(), List.of(), Optional.empty());
    }

    public static Service.Named service(String name) {
        return new Service.Named(name);
    }

    public static Family.Named family(String name) {
        return new Family.Named(name);
    }

    public static MachineProfile machine(String name) {
        return MachineProfile.machine(name);
    }
}
