package dev.slipway.testing;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.slipway.dsl.FleetSpec;
import dev.slipway.dsl.MachineProfile;
import dev.slipway.dsl.Service;
import dev.slipway.plan.BuildIdentity;
import dev.slipway.plan.ImagePlanner;
import dev.slipway.plan.RolloutPlan;
import dev.slipway.plan.RolloutPlanner;
import dev.slipway.plan.Wave;
import dev.slipway.validation.Fleet;
import dev.slipway.validation.Problem;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Assume;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.IntRange;

class FleetPropertiesTest {
    static final BuildIdentity BUILD = BuildIdentity.of(LocalDate.of(2026, 1, 2), "feedfacecafe");

    @Provide
    Arbitrary<FleetSpec> specs() {
        return FleetArbitraries.fleetSpecs();
    }

    @Property
    void everyGeneratedFleetValidates(@ForAll("specs") FleetSpec spec) {
        FleetAssertions.assertThat(spec).isValid().hasUniquePortsPerMachine().everyServiceRunsAsAppuserUnderTini();
    }

    @Property
    void anInjectedPortCollisionIsReportedWithExactlyTheTwoServices(@ForAll("specs") FleetSpec spec,
            @ForAll @IntRange(min = 0, max = 1000) int pickA, @ForAll @IntRange(min = 0, max = 1000) int pickB,
            @ForAll boolean useHealthPort) {
        List<Service> services = spec.services();
        Assume.that(services.size() >= 2);
        int a = pickA % services.size();
        int b = pickB % services.size();
        Assume.that(a != b);
        Service first = services.get(Math.min(a, b));
        Service second = services.get(Math.max(a, b));
        MachineProfile shared = first.machines().get(0);
        int port = useHealthPort ? first.healthPort() : first.servicePort();

        List<Service> changed = new ArrayList<>(services);
        Service colliding = second.ports(port, second.healthPort());
        if (!second.runsOn(shared)) {
            colliding = colliding.on(shared);
        }
        changed.set(services.indexOf(second), colliding);
        FleetSpec broken = new FleetSpec(spec.name(), spec.registry(), spec.machines(), spec.families(), changed,
                spec.rollout());

        // One problem per machine the two services share, each naming both services and the port.
        final Service collider = colliding;
        List<Problem> expected = first.machines().stream().filter(collider::runsOn)
                .map(m -> Problem.service(second.name(), "ports",
                        port + " is already used on " + m.name() + " by '" + first.name() + "'"))
                .sorted().toList();
        assertTrue(!expected.isEmpty());
        assertEquals(expected, Fleet.compile(broken).problems());
    }

    @Property
    void planningIsDeterministic(@ForAll("specs") FleetSpec spec) {
        Fleet once = Fleet.compile(spec).orThrow();
        Fleet again = Fleet.compile(spec).orThrow();
        assertEquals(ImagePlanner.plan(once, BUILD), ImagePlanner.plan(again, BUILD));
        assertEquals(RolloutPlanner.plan(once, BUILD), RolloutPlanner.plan(again, BUILD));
    }

    @Property
    void everyCanaryInstanceComesBeforeAnyOtherWave(@ForAll("specs") FleetSpec spec) {
        Fleet fleet = Fleet.compile(spec).orThrow();
        RolloutPlan plan = RolloutPlanner.plan(fleet, BUILD);
        boolean seenBatch = false;
        for (Wave wave : plan.waves()) {
            if (wave.kind() == Wave.Kind.BATCH) {
                seenBatch = true;
                assertTrue(wave.instances().stream().noneMatch(i -> i.machine().equals(plan.canaryMachine())));
                assertTrue(wave.instances().size() <= plan.batchSize());
            } else {
                assertTrue(!seenBatch, "a canary wave after a batch");
                assertTrue(wave.instances().stream().allMatch(i -> i.machine().equals(plan.canaryMachine())));
            }
        }
        long instances = fleet.services().stream().mapToLong(s -> s.machines().size()).sum();
        assertEquals(instances, plan.instances().size(), "every instance is rolled out exactly once");
        assertEquals(instances, plan.instances().stream().distinct().count());
    }
}
