package dev.slipway.rollout;

import dev.slipway.model.Port;
import dev.slipway.plan.HealthCheckPlan;
import dev.slipway.plan.InstanceId;
import dev.slipway.plan.InstancePlan;
import dev.slipway.plan.RuntimePlan;
import dev.slipway.rollout.engine.ContainerNames;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.List;

/** One planned instance as the rollout carries it out: its plan and the container it becomes. */
public record DesiredInstance(String fleet, InstancePlan plan) {

    public String service() {
        return plan.service();
    }

    public String machine() {
        return plan.machine();
    }

    /** The image as planned, {@code repository:tag}. */
    public String image() {
        return plan.image().text();
    }

    public InstanceId id() {
        return plan.id();
    }

    public List<Port> ports() {
        return plan.ports();
    }

    public HealthCheckPlan healthCheck() {
        return plan.healthCheck();
    }

    public String containerName() {
        return ContainerNames.of(fleet, plan.service());
    }

    public Port healthPort() {
        return plan.healthCheck().port();
    }

    public RuntimePlan runtime() {
        return plan.runtime();
    }

    /** A hash of the container settings Slipway chooses besides the image: a changed one means recreate. */
    public String settingsHash() {
        HealthCheckPlan check = plan.healthCheck();
        String settings = String.join("|", "host-network", "restart=unless-stopped", "no-new-privileges",
                "ports=" + plan.ports(), "health=" + check.test() + "/" + check.intervalSeconds() + "/"
                        + check.timeoutSeconds() + "/" + check.startPeriodSeconds() + "/" + check.retries());
        String runtime = plan.runtime().hashText();
        if (!runtime.isEmpty()) {
            settings = settings + "|" + runtime; // absent for instances with none: their containers stay as they are
        }
        try {
            byte[] hash = MessageDigest.getInstance("SHA-256").digest(settings.getBytes(StandardCharsets.UTF_8));
            return HexFormat.of().formatHex(hash, 0, 8);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is part of every JDK", e);
        }
    }
}
