package dev.slipway.rollout.swarm;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.github.dockerjava.api.model.ContainerSpec;
import com.github.dockerjava.api.model.ContainerSpecFile;
import com.github.dockerjava.api.model.ContainerSpecSecret;
import com.github.dockerjava.api.model.Driver;
import com.github.dockerjava.api.model.EndpointSpec;
import com.github.dockerjava.api.model.HealthCheck;
import com.github.dockerjava.api.model.Mount;
import com.github.dockerjava.api.model.MountType;
import com.github.dockerjava.api.model.NetworkAttachmentConfig;
import com.github.dockerjava.api.model.PortConfig;
import com.github.dockerjava.api.model.PortConfigProtocol;
import com.github.dockerjava.api.model.ResourceRequirements;
import com.github.dockerjava.api.model.ResourceSpecs;
import com.github.dockerjava.api.model.ServiceModeConfig;
import com.github.dockerjava.api.model.ServicePlacement;
import com.github.dockerjava.api.model.ServiceReplicatedModeOptions;
import com.github.dockerjava.api.model.ServiceSpec;
import com.github.dockerjava.api.model.TaskSpec;
import com.github.dockerjava.api.model.TmpfsOptions;
import com.github.dockerjava.api.model.UpdateConfig;
import com.github.dockerjava.api.model.UpdateFailureAction;
import com.github.dockerjava.api.model.UpdateOrder;
import dev.slipway.model.Port;
import dev.slipway.model.SecretUse;
import dev.slipway.plan.FleetPlan;
import dev.slipway.plan.HealthCheckPlan;
import dev.slipway.plan.ImagePlan;
import dev.slipway.plan.InstancePlan;
import dev.slipway.plan.RuntimePlan;
import dev.slipway.rollout.engine.Labels;
import dev.slipway.rollout.engine.RuntimeHostConfig;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/**
 * The Swarm service of one instance, from the plan only: one replica placed by node label
 * {@value #MACHINE_LABEL}, the host's network with its ports published in host mode (as on the Docker hosts, and so
 * Swarm never places two tasks holding one port on one node), the image's user, the plan's health check, the
 * instance's runtime settings as far as Swarm expresses them (the Docker hosts' conversions, {@link RuntimeHostConfig},
 * where the Engine API shares a field), and an update that stops the old task first and rolls back through Swarm
 * when the new one fails. What Swarm cannot express is refused ({@link #refusals}), never dropped. Each concern is
 * one method, so a setting the plan gains is mapped in one place.
 */
public final class SwarmServiceSpecs {
    public static final String MACHINE_LABEL = Labels.MACHINE;
    /** The generic resource a node advertises per GPU, and nvidia-container-runtime's {@code swarm-resource} reads. */
    public static final String GPU = "NVIDIA-GPU";
    static final String FLEET = Labels.FLEET;
    static final String SERVICE = Labels.SERVICE;
    static final String IMAGE = Labels.IMAGE;
    static final String SETTINGS = Labels.SETTINGS;
    static final String SHM = "/dev/shm";
    /** Read by the image user only, as the Docker hosts' secret files. */
    static final long SECRET_MODE = 0400;
    private static final long NANOS = 1_000_000_000L;
    private static final ObjectMapper JSON = new ObjectMapper();

    private final FleetPlan plan;
    private final Map<String, SwarmSecret> secrets;

    /** Specs of a plan whose instances use no secrets. */
    public SwarmServiceSpecs(FleetPlan plan) {
        this(plan, Map.of());
    }

    /** {@code secrets}: the version of each secret the instances use, by secret name ({@link SwarmSecrets#ensure}). */
    public SwarmServiceSpecs(FleetPlan plan, Map<String, SwarmSecret> secrets) {
        this.plan = plan;
        this.secrets = Map.copyOf(secrets);
    }

    /** {@code <fleet>_<service>_<machine>}: Swarm's names allow letters, digits, '-' and '_'. */
    public static String name(FleetPlan plan, InstancePlan instance) {
        return plan.fleet() + "_" + instance.service() + "_" + instance.machine();
    }

    /**
     * Everything the plan asks for that a Swarm service cannot express, one line per instance and setting (empty
     * when there is nothing): {@code apply --swarm} refuses these before any change.
     */
    public static List<String> refusals(FleetPlan plan) {
        List<String> refusals = new ArrayList<>();
        for (InstancePlan instance : plan.instances()) {
            refusals.addAll(refusals(plan, instance));
        }
        return refusals;
    }

    static List<String> refusals(FleetPlan plan, InstancePlan instance) {
        List<String> refusals = new ArrayList<>();
        String who = instance.id() + ": ";
        gpuProblem(instance, image(plan, instance)).ifPresent(problem -> refusals.add(who + problem));
        for (SecretUse secret : instance.runtime().secrets()) {
            if (secret.delivery() == SecretUse.Delivery.ENV) {
                refusals.add(who + "secret " + secret.name() + " as an environment variable: Swarm hands a secret "
                        + "to a task only as a file, and an env value would stand in the service spec; deliver it "
                        + "as the file " + secret.path() + ", or use --host");
            }
            int length = SwarmSecrets.nameLength(plan.fleet(), secret.name());
            if (length > SwarmSecrets.MAX_NAME) {
                refusals.add(who + "secret " + secret.name() + ": its Swarm name " + plan.fleet() + "_"
                        + secret.name() + "_<digest> is " + length + " characters, over Swarm's "
                        + SwarmSecrets.MAX_NAME + "; shorten the fleet or secret name");
            }
        }
        return refusals;
    }

    public ServiceSpec spec(InstancePlan instance) {
        ImagePlan image = image(plan, instance);
        List<String> refusals = refusals(plan, instance);
        if (!refusals.isEmpty()) {
            throw new IllegalArgumentException(String.join("; ", refusals)); // callers refuse these first
        }
        ServiceSpec spec = new ServiceSpec()
                .withName(name(plan, instance))
                .withMode(new ServiceModeConfig().withReplicated(new ServiceReplicatedModeOptions().withReplicas(1)))
                .withTaskTemplate(new TaskSpec()
                        .withContainerSpec(containerSpec(instance, image))
                        .withPlacement(placement(instance))
                        .withNetworks(List.of(new NetworkAttachmentConfig().withTarget("host")))
                        .withResources(resources(instance, image))
                        .withLogDriver(logDriver(instance.runtime())))
                .withEndpointSpec(endpoint(instance))
                .withUpdateConfig(updateConfig(instance.healthCheck(), UpdateFailureAction.ROLLBACK))
                .withRollbackConfig(updateConfig(instance.healthCheck(), UpdateFailureAction.PAUSE));
        spec.withLabels(labels(instance, settingsHash(spec)));
        return spec;
    }

    ContainerSpec containerSpec(InstancePlan instance, ImagePlan image) {
        ContainerSpec container = new ContainerSpecWithUlimits(RuntimeHostConfig.ulimits(instance.runtime()))
                .withImage(instance.image().text())
                .withUser(image.user())
                .withLabels(new TreeMap<>(Map.of(FLEET, plan.fleet(), SERVICE, instance.service(),
                        MACHINE_LABEL, instance.machine())))
                .withHealthCheck(healthCheck(instance.healthCheck()));
        List<Mount> mounts = mounts(instance.runtime());
        if (!mounts.isEmpty()) {
            container.withMounts(mounts);
        }
        if (!instance.runtime().secrets().isEmpty()) {
            container.withSecrets(secrets(instance, image));
        }
        return container;
    }

    /** Named volumes and read-only binds as on the Docker hosts; shm as a tmpfs of its size over /dev/shm. */
    List<Mount> mounts(RuntimePlan runtime) {
        List<Mount> mounts = new ArrayList<>(RuntimeHostConfig.mounts(runtime, new TreeMap<>(Map.of(FLEET,
                plan.fleet()))));
        runtime.shmSize().ifPresent(size -> mounts.add(new Mount().withType(MountType.TMPFS).withTarget(SHM)
                .withTmpfsOptions(new TmpfsOptions().withSizeBytes(size.bytes()))));
        return mounts;
    }

    /** Each secret's current version as the file /run/secrets/NAME, owned by the image user, mode 0400. */
    List<ContainerSpecSecret> secrets(InstancePlan instance, ImagePlan image) {
        int[] ids = RuntimeHostConfig.uidGid(image.user());
        List<ContainerSpecSecret> files = new ArrayList<>();
        for (SecretUse secret : instance.runtime().secrets()) {
            SwarmSecret version = secrets.get(secret.name());
            if (version == null) {
                throw new IllegalStateException(instance.id() + ": no Swarm secret for " + secret.name()
                        + " (SwarmSecrets.ensure makes them before the specs)");
            }
            files.add(new ContainerSpecSecret().withSecretName(version.name()).withSecretId(version.id())
                    .withFile(new ContainerSpecFile().withName(secret.name()).withUid(Integer.toString(ids[0]))
                            .withGid(Integer.toString(ids[1])).withMode(SECRET_MODE)));
        }
        return files;
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

    /** Memory and CPU limits; GPUs as a reservation of {@value #GPU}, which places the task on a node that has them. */
    static ResourceRequirements resources(InstancePlan instance, ImagePlan image) {
        RuntimePlan runtime = instance.runtime();
        ResourceRequirements resources = new ResourceRequirements();
        if (runtime.memory().isPresent() || runtime.cpus().isPresent()) {
            ResourceSpecs limits = new ResourceSpecs();
            runtime.memory().ifPresent(limit -> limits.withMemoryBytes(limit.bytes()));
            runtime.nanoCpus().ifPresent(limits::withNanoCPUs);
            resources.withLimits(limits);
        }
        gpus(instance).ifPresent(count -> resources.withReservations(new ResourceSpecsWithGenericResources(
                List.of(new ResourceSpecsWithGenericResources.Discrete(GPU, count)))));
        return resources.getLimits() == null && resources.getReservations() == null ? null : resources;
    }

    /** How many {@value #GPU} the instance reserves: as many as the device ids the plan gives it. */
    public static Optional<Long> gpus(InstancePlan instance) {
        return instance.runtime().gpuDevices().map(ids -> (long) ids.size());
    }

    /**
     * Why Swarm cannot reserve the GPUs the instance asks for, if it cannot. A task reserves a count of
     * {@value #GPU} and Swarm picks which of the node's GPUs it gets, so the plan must ask for every GPU of the
     * machine, by ids its profile lists.
     */
    static Optional<String> gpuProblem(InstancePlan instance, ImagePlan image) {
        Optional<List<String>> asked = instance.runtime().gpuDevices();
        if (asked.isEmpty()) {
            return Optional.empty();
        }
        List<String> machine = Arrays.stream(image.machineProfile().getOrDefault("GPU_VISIBLE_DEVICES", "")
                .split(",")).map(String::strip).filter(id -> !id.isEmpty()).toList();
        if (asked.get().isEmpty()) {
            return Optional.of("gpus: every GPU of " + instance.machine() + ", whose profile lists no device ids "
                    + "(GPU_VISIBLE_DEVICES), so there is no count of " + GPU + " for Swarm to reserve; list them");
        }
        if (!new HashSet<>(asked.get()).equals(new HashSet<>(machine))) {
            return Optional.of("gpus " + String.join(",", asked.get()) + ": Swarm reserves a number of " + GPU
                    + " and picks which of the node's GPUs a task gets, so it cannot pin device(s) "
                    + String.join(",", asked.get()) + " of " + instance.machine() + "'s "
                    + String.join(",", machine) + "; ask for all of them, or use --host");
        }
        return Optional.empty();
    }

    /** json-file with the plan's rotation, as on the Docker hosts. */
    static Driver logDriver(RuntimePlan runtime) {
        return new Driver().withName(RuntimeHostConfig.LOG_DRIVER)
                .withOptions(RuntimeHostConfig.logOptions(runtime.logs()));
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

    private static ImagePlan image(FleetPlan plan, InstancePlan instance) {
        return plan.image(instance.image().text()).orElseThrow(() -> new IllegalArgumentException(
                "instance " + instance.id() + ": image " + instance.image() + " is not in the plan"));
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

    /**
     * What "unchanged" means: the same spec (runtime settings and secret versions included), hashed before the
     * label holding the hash is added.
     */
    private static String settingsHash(ServiceSpec spec) {
        try {
            byte[] json = JSON.writeValueAsString(spec).getBytes(StandardCharsets.UTF_8);
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(json)).substring(0, 16);
        } catch (JsonProcessingException | NoSuchAlgorithmException e) {
            throw new IllegalStateException("cannot hash a service spec", e);
        }
    }
}
