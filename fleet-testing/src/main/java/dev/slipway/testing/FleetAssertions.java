package dev.slipway.testing;

import dev.slipway.dsl.FleetDefinitionSource;
import dev.slipway.dsl.FleetSpec;
import dev.slipway.dsl.Init;
import dev.slipway.dsl.Service;
import dev.slipway.model.User;
import dev.slipway.validation.Compilation;
import dev.slipway.validation.Fleet;
import dev.slipway.validation.PortRule;
import dev.slipway.validation.Problem;
import java.util.List;
import java.util.function.Predicate;
import java.util.stream.Collectors;

/**
 * Assertions on a fleet for your own tests; each failure lists the problems Slipway found, as the CLI would:
 * {@code FleetAssertions.assertThat(new FleetDefinition()).isValid().hasUniquePortsPerMachine()}.
 */
public final class FleetAssertions {
    private final FleetSpec spec;
    private final Compilation compilation;

    private FleetAssertions(FleetSpec spec) {
        this.spec = spec;
        this.compilation = Fleet.compile(spec);
    }

    public static FleetAssertions assertThat(FleetSpec spec) {
        return new FleetAssertions(spec);
    }

    public static FleetAssertions assertThat(FleetDefinitionSource definition) {
        return new FleetAssertions(definition.define());
    }

    public FleetAssertions isValid() {
        if (!compilation.isValid()) {
            throw new AssertionError(
                    "expected fleet '" + spec.name() + "' to be valid, but:\n" + lines(compilation.problems()));
        }
        return this;
    }

    /** Fails unless validation reports a problem whose text contains every given fragment. */
    public FleetAssertions isRejectedWith(String... fragments) {
        Predicate<Problem> matches = p -> List.of(fragments).stream().allMatch(f -> p.toString().contains(f));
        if (compilation.problems().stream().noneMatch(matches)) {
            throw new AssertionError("expected a problem mentioning " + List.of(fragments) + ", but got:\n"
                    + (compilation.problems().isEmpty()
                            ? "  (none: the fleet is valid)"
                            : lines(compilation.problems())));
        }
        return this;
    }

    public FleetAssertions hasUniquePortsPerMachine() {
        return noProblems("ports unique per machine", PortRule.problems(spec));
    }

    /** SPEC: appuser 10001:10001 under tini as PID 1, in every service. */
    public FleetAssertions everyServiceRunsAsAppuserUnderTini() {
        // RunAsRule allows any non-root user; SPEC asks for appuser exactly, so this asserts more than validation.
        List<String> wrong = spec.services().stream()
                .filter(s -> !s.user().equals(User.APPUSER) || s.init() != Init.TINI)
                .map(s -> s.name() + " runs as " + s.user() + " under " + s.init()).toList();
        if (!wrong.isEmpty()) {
            throw new AssertionError("expected every service to run as " + User.APPUSER + " under tini:\n  "
                    + String.join("\n  ", wrong));
        }
        return this;
    }

    /** Starts assertions on one service; fails if the fleet has no service of that name. */
    public ServiceAssertions service(String name) {
        Service service = spec.services().stream().filter(s -> s.name().equals(name)).findFirst()
                .orElseThrow(() -> new AssertionError("fleet '" + spec.name() + "' has no service '" + name
                        + "'; it has: "
                        + spec.services().stream().map(Service::name).collect(Collectors.joining(", "))));
        return new ServiceAssertions(this, service);
    }

    private FleetAssertions noProblems(String what, List<Problem> problems) {
        if (!problems.isEmpty()) {
            throw new AssertionError("expected " + what + ", but:\n" + lines(problems));
        }
        return this;
    }

    private static String lines(List<Problem> problems) {
        return problems.stream().map(p -> "  " + p).collect(Collectors.joining("\n"));
    }

    /** Assertions on one service, as planned in SPEC's coverage table. */
    public static final class ServiceAssertions {
        private final FleetAssertions fleet;
        private final Service service;

        ServiceAssertions(FleetAssertions fleet, Service service) {
            this.fleet = fleet;
            this.service = service;
        }

        public ServiceAssertions hasPorts(int servicePort, int healthPort) {
            if (service.servicePort() != servicePort || service.healthPort() != healthPort) {
                throw new AssertionError("service '" + service.name() + "' ports: expected " + servicePort + "/"
                        + healthPort + " but declared " + service.servicePort() + "/" + service.healthPort());
            }
            return this;
        }

        public ServiceAssertions inFamily(String family) {
            if (!service.family().name().equals(family)) {
                throw new AssertionError("service '" + service.name() + "' family: expected " + family + " but is "
                        + service.family().name());
            }
            return this;
        }

        public ServiceAssertions runsOn(String... machines) {
            List<String> actual = service.machines().stream().map(m -> m.name()).sorted().toList();
            List<String> expected = List.of(machines).stream().sorted().toList();
            if (!actual.equals(expected)) {
                throw new AssertionError("service '" + service.name() + "' machines: expected " + expected
                        + " but runs on " + actual);
            }
            return this;
        }

        /** Back to the fleet, to chain the next service. */
        public FleetAssertions and() {
            return fleet;
        }
    }
}
