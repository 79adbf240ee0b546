package dev.slipway.rollout;

import dev.slipway.plan.Instance;
import dev.slipway.plan.InstanceId;
import dev.slipway.plan.Wave;
import dev.slipway.rollout.engine.Labels;
import dev.slipway.rollout.engine.LiveContainer;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Compares the desired fleet with the live containers of every machine. Same registry digest, same settings and
 * running means unchanged; anything else about an existing container is an update. Pure: no engine calls.
 */
public final class LivePlanner {
    private LivePlanner() {
    }

    /**
     * @param live     the fleet's containers per machine (kept {@code -previous} ones are ignored: recovery handles them)
     * @param digests  the registry digest of each desired image; empty when the registry does not have it (yet)
     */
    public static LivePlan plan(DesiredFleet desired, Map<String, List<LiveContainer>> live,
            Map<String, Optional<String>> digests) {
        return plan(desired, live, digests, Map.of());
    }

    /**
     * @param secretDigests the keyed digest of each instance's secret values, for instances that receive secrets;
     *                      an instance missing here is not compared on secrets ({@code plan} without values)
     */
    public static LivePlan plan(DesiredFleet desired, Map<String, List<LiveContainer>> live,
            Map<String, Optional<String>> digests, Map<InstanceId, String> secretDigests) {
        List<InstanceChange> changes = new ArrayList<>();
        for (DesiredInstance instance : desired.instances()) {
            List<LiveContainer> onMachine = live.getOrDefault(instance.machine(), List.of());
            Optional<LiveContainer> current = onMachine.stream()
                    .filter(c -> c.name().equals(instance.containerName())).findFirst();
            InstanceChange change = change(instance, current, digests.getOrDefault(instance.image(), Optional.empty()),
                    Optional.ofNullable(secretDigests.get(instance.id())));
            changes.add(change);
        }
        for (Map.Entry<String, List<LiveContainer>> machine : live.entrySet()) {
            for (LiveContainer container : machine.getValue()) {
                boolean wanted = desired.on(machine.getKey()).stream()
                        .anyMatch(i -> i.containerName().equals(container.name()));
                if (!wanted && !container.isPrevious()) {
                    changes.add(new InstanceChange(machine.getKey(), container.service(), Action.REMOVE,
                            container.name(), Optional.of(container.image()), container.digest(), Optional.empty(),
                            Optional.empty(), "no longer in the definition for " + machine.getKey(), Optional.empty()));
                }
            }
        }
        return withWaves(desired, changes);
    }

    /**
     * The live plan of {@code changes} (one per instance, compared by whichever target reads what runs): the
     * desired rollout's waves, each with its instances that change; a wave where nothing changes is left out.
     */
    public static LivePlan withWaves(DesiredFleet desired, List<InstanceChange> changes) {
        Map<InstanceId, InstanceChange> byId = new HashMap<>();
        changes.stream().filter(c -> c.action() != Action.REMOVE).forEach(c -> byId.put(c.id(), c));
        List<PlannedWave> waves = new ArrayList<>();
        for (Wave wave : desired.rollout().waves()) {
            List<InstanceChange> moving = new ArrayList<>();
            for (Instance instance : wave.instances()) {
                InstanceChange change = byId.get(instance.id());
                if (change != null && change.changes()) {
                    moving.add(change);
                }
            }
            if (!moving.isEmpty()) {
                waves.add(new PlannedWave(waves.size() + 1, wave.kind(), moving));
            }
        }
        return new LivePlan(desired.fleet(), desired.tag(), changes, waves);
    }

    static InstanceChange change(DesiredInstance instance, Optional<LiveContainer> current, Optional<String> toDigest) {
        return change(instance, current, toDigest, Optional.empty());
    }

    static InstanceChange change(DesiredInstance instance, Optional<LiveContainer> current, Optional<String> toDigest,
            Optional<String> secretDigest) {
        if (current.isEmpty()) {
            return new InstanceChange(instance.machine(), instance.service(), Action.CREATE, instance.containerName(),
                    Optional.empty(), Optional.empty(), Optional.of(instance.image()), toDigest,
                    "not running on " + instance.machine(), Optional.of(instance));
        }
        LiveContainer container = current.get();
        String reason;
        if (toDigest.isPresent() && !toDigest.equals(container.digest())) {
            reason = "new image";
        } else if (toDigest.isEmpty() && !container.image().equals(instance.image())) {
            reason = "new image (not in the registry yet)";
        } else if (!container.settings().equals(Optional.of(instance.settingsHash()))) {
            reason = "container settings changed";
        } else if (secretDigest.isPresent()
                && !secretDigest.get().equals(container.labels().get(Labels.SECRETS_DIGEST))) {
            reason = "secret values changed";
        } else if (!container.running()) {
            reason = "container is " + container.state();
        } else {
            return new InstanceChange(instance.machine(), instance.service(), Action.UNCHANGED, container.name(),
                    Optional.of(container.image()), container.digest(), Optional.of(instance.image()), toDigest,
                    "up to date", Optional.of(instance));
        }
        return new InstanceChange(instance.machine(), instance.service(), Action.UPDATE, container.name(),
                Optional.of(container.image()), container.digest(), Optional.of(instance.image()), toDigest, reason,
                Optional.of(instance));
    }
}
