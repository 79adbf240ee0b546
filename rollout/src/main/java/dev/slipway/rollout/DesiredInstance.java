package dev.slipway.rollout;

import dev.slipway.plan.HealthCheckPlan;
import dev.slipway.plan.Instance;
import dev.slipway.rollout.engine.ContainerNames;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.List;

/** One instance as the definition wants it: image, ports, health check, and the container it becomes. */
public record DesiredInstance(String fleet, Instance instance, List<Integer> ports, HealthCheckPlan healthCheck) {

    public DesiredInstance {
        ports = List.copyOf(ports);
    }

    public String service() {
        return instance.service();
    }

    public String machine() {
        return instance.machine();
    }

    public String image() {
        return instance.image();
    }

    public String id() {
        return instance.id();
    }

    public String containerName() {
        return ContainerNames.of(fleet, instance.service());
    }

    public int healthPort() {
        return healthCheck.port();
    }

    /** A hash of the container settings Slipway chooses besides the image: a changed one means recreate. */
    public String settingsHash() {
        String settings = String.join("|", "host-network", "restart=unless-stopped", "no-new-privileges",
                "ports=" + ports, "health=" + healthCheck.test() + "/" + healthCheck.intervalSeconds() + "/"
                        + healthCheck.timeoutSeconds() + "/" + healthCheck.startPeriodSeconds() + "/"
                        + healthCheck.retries());
        try {
            byte[] hash = MessageDigest.getInstance("SHA-256").digest(settings.getBytes(StandardCharsets.UTF_8));
            return HexFormat.of().formatHex(hash, 0, 8);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is part of every JDK", e);
        }
    }
}
