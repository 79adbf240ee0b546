package dev.slipway.rollout.swarm;

import com.github.dockerjava.api.model.ContainerSpecSecret;
import com.github.dockerjava.api.model.Service;
import com.github.dockerjava.api.model.ServiceSpec;
import dev.slipway.plan.FleetPlan;
import dev.slipway.plan.InstancePlan;
import dev.slipway.rollout.Action;
import dev.slipway.rollout.DesiredFleet;
import dev.slipway.rollout.DesiredInstance;
import dev.slipway.rollout.InstanceChange;
import dev.slipway.rollout.LivePlan;
import dev.slipway.rollout.LivePlanner;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/**
 * What {@code apply --swarm} would change, read from the services Swarm runs: per instance create (no service),
 * update (its settings label differs from the planned spec's, the test {@link SwarmRollout} makes) or unchanged,
 * and the waves that would carry it. Secret values are not read: each secret is compared as the version the
 * services run now, as {@code plan} on the hosts compares no secret values. Changes nothing.
 */
public final class SwarmLivePlanner {
    /** Stands for a secret no service of the fleet refers to yet: the services using it change anyway. */
    private static final SwarmSecret NOT_IN_THE_SWARM = new SwarmSecret("(not in the swarm yet)", "");

    private SwarmLivePlanner() {
    }

    /** The plan's instances against the fleet's services; call only for a plan without {@link SwarmServiceSpecs#refusals}. */
    public static LivePlan plan(SwarmManager manager, FleetPlan plan) {
        Map<String, Service> services = new HashMap<>();
        manager.services(plan.fleet()).forEach(s -> services.put(s.getSpec().getName(), s));
        SwarmServiceSpecs specs = new SwarmServiceSpecs(plan, runningSecretVersions(plan, services.values()));
        DesiredFleet desired = DesiredFleet.of(plan);
        List<InstanceChange> changes = new ArrayList<>();
        for (InstancePlan instance : plan.instances()) {
            ServiceSpec wanted = specs.spec(instance);
            changes.add(change(new DesiredInstance(plan.fleet(), instance), wanted,
                    Optional.ofNullable(services.get(wanted.getName()))));
        }
        return LivePlanner.withWaves(desired, changes);
    }

    private static InstanceChange change(DesiredInstance instance, ServiceSpec wanted, Optional<Service> running) {
        String name = wanted.getName();
        Optional<String> to = Optional.of(instance.image());
        if (running.isEmpty()) {
            return new InstanceChange(instance.machine(), instance.service(), Action.CREATE, name, Optional.empty(),
                    Optional.empty(), to, Optional.empty(), "no service " + name + " on the swarm",
                    Optional.of(instance));
        }
        ServiceSpec current = running.get().getSpec();
        Optional<String> from = label(current, SwarmServiceSpecs.IMAGE);
        Optional<String> settings = label(current, SwarmServiceSpecs.SETTINGS);
        if (settings.isPresent() && settings.equals(label(wanted, SwarmServiceSpecs.SETTINGS))) {
            return new InstanceChange(instance.machine(), instance.service(), Action.UNCHANGED, name, from,
                    Optional.empty(), to, Optional.empty(), "up to date", Optional.of(instance));
        }
        String reason = from.equals(to) ? "service settings changed" : "new image";
        return new InstanceChange(instance.machine(), instance.service(), Action.UPDATE, name, from, Optional.empty(),
                to, Optional.empty(), reason, Optional.of(instance));
    }

    /** Each secret the plan uses, as the version a service of the fleet runs with now. */
    private static Map<String, SwarmSecret> runningSecretVersions(FleetPlan plan, Iterable<Service> services) {
        Map<String, SwarmSecret> running = new TreeMap<>();
        for (Service service : services) {
            var container = service.getSpec().getTaskTemplate() == null
                    ? null
                    : service.getSpec().getTaskTemplate().getContainerSpec();
            if (container == null || container.getSecrets() == null) {
                continue;
            }
            for (ContainerSpecSecret secret : container.getSecrets()) {
                if (secret.getFile() != null) {
                    running.putIfAbsent(secret.getFile().getName(),
                            new SwarmSecret(secret.getSecretName(), secret.getSecretId()));
                }
            }
        }
        Map<String, SwarmSecret> versions = new TreeMap<>();
        for (InstancePlan instance : plan.instances()) {
            instance.runtime().secrets()
                    .forEach(s -> versions.put(s.name(), running.getOrDefault(s.name(), NOT_IN_THE_SWARM)));
        }
        return versions;
    }

    private static Optional<String> label(ServiceSpec spec, String key) {
        return Optional.ofNullable(spec == null || spec.getLabels() == null ? null : spec.getLabels().get(key));
    }
}
