package dev.slipway.rollout;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;

import dev.slipway.model.DataSize;
import dev.slipway.model.ImageReference;
import dev.slipway.model.LogRotation;
import dev.slipway.model.Port;
import dev.slipway.plan.HealthCheckPlan;
import dev.slipway.plan.InstanceId;
import dev.slipway.plan.InstancePlan;
import dev.slipway.plan.RuntimePlan;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** The settings label: unchanged for instances without runtime settings (no recreate on upgrade), new otherwise. */
class SettingsHashTest {
    static final HealthCheckPlan CHECK = new HealthCheckPlan(List.of("CMD", "probe"), Port.of(6560), "/health", 30, 10,
            40, 3);

    @Test
    void anInstanceWithoutRuntimeSettingsKeepsTheHashContainersWereCreatedWith() throws Exception {
        DesiredInstance instance = instance(RuntimePlan.DEFAULT);
        // what DesiredInstance hashed before runtime settings existed
        String before = "host-network|restart=unless-stopped|no-new-privileges|ports=[5560, 6560]|health=[CMD, probe]"
                + "/30/10/40/3";
        byte[] hash = MessageDigest.getInstance("SHA-256").digest(before.getBytes(StandardCharsets.UTF_8));

        assertEquals(HexFormat.of().formatHex(hash, 0, 8), instance.settingsHash());
    }

    @Test
    void eachRuntimeSettingChangesTheHash() {
        String plain = instance(RuntimePlan.DEFAULT).settingsHash();
        RuntimePlan shm = new RuntimePlan(Optional.empty(), Optional.of(DataSize.ofGiB(2)), Optional.empty(),
                Optional.empty(), List.of(), List.of(), LogRotation.DEFAULT, List.of(), List.of());
        RuntimePlan moreShm = new RuntimePlan(Optional.empty(), Optional.of(DataSize.ofGiB(4)), Optional.empty(),
                Optional.empty(), List.of(), List.of(), LogRotation.DEFAULT, List.of(), List.of());
        RuntimePlan logs = new RuntimePlan(Optional.empty(), Optional.empty(), Optional.empty(), Optional.empty(),
                List.of(), List.of(), new LogRotation(DataSize.ofMiB(1), 2), List.of(), List.of());

        assertNotEquals(plain, instance(shm).settingsHash());
        assertNotEquals(instance(shm).settingsHash(), instance(moreShm).settingsHash());
        assertNotEquals(plain, instance(logs).settingsHash());
    }

    static DesiredInstance instance(RuntimePlan runtime) {
        return new DesiredInstance("ai_system", new InstancePlan(new InstanceId("apc", "mainpc"),
                ImageReference.parse("ghcr.io/org/ai_system/apc:t1"), List.of(Port.of(5560), Port.of(6560)), CHECK,
                runtime));
    }
}
