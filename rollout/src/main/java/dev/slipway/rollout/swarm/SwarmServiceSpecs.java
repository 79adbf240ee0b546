package dev.slipway.rollout.swarm;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.github.dockerjava.api.model.ContainerSpec;
import com.github.dockerjava.api.model.EndpointSpec;
import com.github.dockerjava.api.model.HealthCheck;
import com.github.dockerjava.api.model.NetworkAttachmentConfig;
import com.github.dockerjava.api.model.PortConfig;
import com.github.dockerjava.api.model.PortConfigProtocol;
import com.github.dockerjava.api.model.ResourceRequirements;
import com.github.dockerjava.api.model.ServiceModeConfig;
import com.github.dockerjava.api.model.ServicePlacement;
import com.github.dockerjava.api.model.ServiceReplicatedModeOptions;
import com.github.dockerjava.api.model.ServiceSpec;
import com.github.dockerjava.api.model.TaskSpec;
import com.github.dockerjava.api.model.UpdateConfig;
import com.github.dockerjava.api.model.UpdateFailureAction;
import com.github.dockerjava.api.model.UpdateOrder;
import dev.slipway.model.Port;
import dev.slipway.plan.FleetPlan;
import dev.slipway.plan.HealthCheckPlan;
import dev.slipway.plan.ImagePlan;
import dev.slipway.plan.InstancePlan;
import dev.slipway.rollout.engine.Labels;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * The Swarm service of one instance, from the plan only: one replica placed by node label
 * {@value #MACHINE_LABEL}, the host's network with its ports published in host mode (as on the Docker hosts, and so
 * Swarm never places two tasks holding one port on one node), the image's user, the plan's health check, and an
 * update that stops the old task first and rolls back through Swarm when the new one fails. Each concern is one
 * method, so a setting the plan gains is mapped in one place.
 */
public final class SwarmServiceSpecs {
    public static final String MACHINE_LABEL = Labels.MACHINE;
    static final String FLEET = Labels.FLEET;
    static final String SERVICE = Labels.SERVICE;
    static final String IMAGE = Labels.IMAGE;
    static final String SETTINGS = Labels.SETTINGS;
    private static final long NANOS = 1_000_000_000L;
    private static final ObjectMapper JSON = new ObjectMapper();

    private final FleetPlan plan;

    public SwarmServiceSpecs(FleetPlan plan) {
        this.plan = plan;
    }

    /** {@code <fleet>_<service>_<machine>}: Swarm's names allow letters, digits, '-' and '_'. */
    public static String name(FleetPlan plan, InstancePlan instance) {
        return plan.fleet() + "_" + instance.service() + "_" + instance.machine();
    }

    public ServiceSpec spec(InstancePlan instance) {
        ImagePlan image = plan.image(instance.image().text()).orElseThrow(() -> new IllegalArgumentException(
                "instance " + instance.id() + ": image " + instance.image() + " is not in the plan"));
        ServiceSpec spec = new ServiceSpec()
                .withName(name(plan, instance))
                .withMode(new ServiceModeConfig().withReplicated(new ServiceReplicatedModeOptions().withReplicas(1)))
                .withTaskTemplate(new TaskSpec()
                        .withContainerSpec(containerSpec(instance, image))
                        .withPlacement(placement(instance))
                        .withNetworks(List.of(new NetworkAttachmentConfig().withTarget("host")))
                        .withResources(resources(instance)))
                .withEndpointSpec(endpoint(instance))
                .withUpdateConfig(updateConfig(instance.healthCheck(), UpdateFailureAction.ROLLBACK))
                .withRollbackConfig(updateConfig(instance.healthCheck(), UpdateFailureAction.PAUSE));
        spec.withLabels(labels(instance, settingsHash(spec)));
        return spec;
    }

    ContainerSpec containerSpec(InstancePlan instance, ImagePlan image) {
        // runtime settings: mounts (volumes, shm as tmpfs), secrets (versioned Swarm secrets) and the log driver go here
        return new ContainerSpec()
                .withImage(instance.image().text())
                .withUser(image.user())
                .withLabels(new TreeMap<>(Map.of(FLEET, plan.fleet(), SERVICE, instance.service(),
                        MACHINE_LABEL, instance.machine())))
                .withHealthCheck(healthCheck(instance.healthCheck()));
    }

    static HealthCheck healthCheck(HealthCheckPlan health) {
        return new HealthCheck().withTest(health.test())
                .withInterval(health.intervalSeconds() * NANOS)
                .withTimeout(health.timeoutSeconds() * NANOS)
                .withStartPeriod(health.startPeriodSeconds() * NANOS)
                .withRetries(health.retries());
    }

    static ServicePlacement placement(InstancePlan instance) {
        return new ServicePlacement().withConstraints(
                List.of("node.labels." + MACHINE_LABEL + "==" + instance.machine()));
    }

    /** Nothing the plan asks for yet; GPUs (generic resources) and memory/CPU limits are mapped here. */
    ResourceRequirements resources(InstancePlan instance) {
        return null;
    }

    static EndpointSpec endpoint(InstancePlan instance) {
        List<PortConfig> ports = new ArrayList<>();
        for (Port port : instance.ports()) {
            ports.add(new PortConfig().withProtocol(PortConfigProtocol.TCP).withTargetPort(port.number())
                    .withPublishedPort(port.number()).withPublishMode(PortConfig.PublishMode.host));
        }
        return new EndpointSpec().withPorts(ports);
    }

    /**
     * One task at a time, the old one stopped first (the new one needs its host ports), watched for as long as
     * Docker's check needs to call it unhealthy (start period + interval × retries) before Swarm calls it done.
     */
    static UpdateConfig updateConfig(HealthCheckPlan health, UpdateFailureAction onFailure) {
        return new UpdateConfig().withParallelism(1L).withOrder(UpdateOrder.STOP_FIRST)
                .withFailureAction(onFailure).withMaxFailureRatio(0f)
                .withMonitor(monitorSeconds(health) * NANOS);
    }

    static long monitorSeconds(HealthCheckPlan health) {
        return health.startPeriodSeconds() + health.intervalSeconds() * health.retries();
    }

    private Map<String, String> labels(InstancePlan instance, String settings) {
        Map<String, String> labels = new TreeMap<>();
        labels.put(FLEET, plan.fleet());
        labels.put(SERVICE, instance.service());
        labels.put(MACHINE_LABEL, instance.machine());
        labels.put(IMAGE, instance.image().text());
        labels.put(SETTINGS, settings);
        return labels;
    }

    /** What "unchanged" means: the same spec, hashed before the label holding the hash is added. */
    private static String settingsHash(ServiceSpec spec) {
        try {
            byte[] json = JSON.writeValueAsString(spec).getBytes(StandardCharsets.UTF_8);
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(json)).substring(0, 16);
        } catch (JsonProcessingException | NoSuchAlgorithmException e) {
            throw new IllegalStateException("cannot hash a service spec", e);
        }
    }
}
