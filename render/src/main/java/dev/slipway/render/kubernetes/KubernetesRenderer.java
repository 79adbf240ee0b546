package dev.slipway.render.kubernetes;

import dev.slipway.model.Port;
import dev.slipway.plan.FleetPlan;
import dev.slipway.plan.HealthCheckPlan;
import dev.slipway.plan.ImagePlan;
import dev.slipway.plan.ImagePlanner;
import dev.slipway.plan.InstanceId;
import dev.slipway.plan.InstancePlan;
import dev.slipway.plan.Wave;
import dev.slipway.render.ImageDigests;
import dev.slipway.render.RenderRefused;
import dev.slipway.render.RenderedFile;
import dev.slipway.render.Rendering;
import dev.slipway.render.Yaml;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.ContainerBuilder;
import io.fabric8.kubernetes.api.model.ContainerPort;
import io.fabric8.kubernetes.api.model.ContainerPortBuilder;
import io.fabric8.kubernetes.api.model.IntOrString;
import io.fabric8.kubernetes.api.model.PodSecurityContext;
import io.fabric8.kubernetes.api.model.PodSecurityContextBuilder;
import io.fabric8.kubernetes.api.model.PodSpec;
import io.fabric8.kubernetes.api.model.PodSpecBuilder;
import io.fabric8.kubernetes.api.model.Probe;
import io.fabric8.kubernetes.api.model.ProbeBuilder;
import io.fabric8.kubernetes.api.model.ResourceRequirements;
import io.fabric8.kubernetes.api.model.SecurityContext;
import io.fabric8.kubernetes.api.model.SecurityContextBuilder;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.ServiceBuilder;
import io.fabric8.kubernetes.api.model.ServicePortBuilder;
import io.fabric8.kubernetes.api.model.Volume;
import io.fabric8.kubernetes.api.model.VolumeBuilder;
import io.fabric8.kubernetes.api.model.VolumeMount;
import io.fabric8.kubernetes.api.model.VolumeMountBuilder;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.apps.DeploymentBuilder;
import io.fabric8.kubernetes.api.model.apps.DeploymentStrategy;
import io.fabric8.kubernetes.api.model.apps.DeploymentStrategyBuilder;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;

/**
 * Renders a {@link FleetPlan} as Kubernetes manifests with fabric8's typed model: a Deployment per instance
 * (service and machine, placed by node label {@value #MACHINE_LABEL}), a Service per service port, and a
 * {@code kustomization.yaml} listing them. Each concern of a pod is one method, so a setting the plan gains is
 * mapped in one place. Equal plans and digests render equal bytes.
 */
public final class KubernetesRenderer {
    public static final String MACHINE_LABEL = ImagePlanner.MACHINE_LABEL;
    static final String FLEET_LABEL = ImagePlanner.FLEET_LABEL;
    static final String SERVICE_LABEL = ImagePlanner.SERVICE_LABEL;
    static final String WAVE_LABEL = ImagePlanner.LABEL_PREFIX + "wave";
    static final String WAVE_KIND_LABEL = ImagePlanner.LABEL_PREFIX + "wave-kind";
    static final String HEALTH_PORT_NAME = "health";
    static final String TMP_VOLUME = "tmp";

    private final FleetPlan plan;
    private final ImageDigests digests;
    private final Map<InstanceId, Wave> waves = new LinkedHashMap<>();

    private KubernetesRenderer(FleetPlan plan, ImageDigests digests) {
        this.plan = plan;
        this.digests = digests;
        for (Wave wave : plan.rollout().waves()) {
            wave.instances().forEach(i -> waves.put(i.id(), wave));
        }
    }

    /** Every manifest of the plan; a {@link RenderRefused} listing every name Kubernetes would not accept. */
    public static Rendering render(FleetPlan plan, ImageDigests digests) {
        return new KubernetesRenderer(plan, digests).render();
    }

    private Rendering render() {
        refuseUnnameable();
        List<RenderedFile> files = new ArrayList<>();
        List<String> warnings = new ArrayList<>();
        for (InstancePlan instance : plan.instances()) {
            Deployment deployment = deployment(instance, warnings);
            files.add(new RenderedFile("deployment-" + deployment.getMetadata().getName() + ".yaml",
                    Yaml.write(deployment)));
        }
        for (Service service : services()) {
            files.add(new RenderedFile("service-" + service.getMetadata().getName() + ".yaml", Yaml.write(service)));
        }
        files.add(new RenderedFile(Kustomization.FILE_NAME,
                Yaml.write(Kustomization.of(files.stream().map(RenderedFile::name).toList()))));
        return new Rendering(files, warnings);
    }

    /** Every instance and service name Kubernetes would refuse, and two Slipway names that become one, at once. */
    private void refuseUnnameable() {
        List<String> problems = new ArrayList<>();
        Map<String, InstanceId> deployments = new TreeMap<>();
        Map<String, String> services = new TreeMap<>();
        for (InstancePlan instance : plan.instances()) {
            String name = KubernetesNames.instance(instance.id());
            String problem = KubernetesNames.problem("instance " + instance.id() + ": its Deployment name", name);
            if (problem != null) {
                problems.add(problem);
            }
            InstanceId other = deployments.putIfAbsent(name, instance.id());
            if (other != null && !other.equals(instance.id())) {
                problems.add("instance " + instance.id() + ": its Deployment name '" + name + "' is also "
                        + other + "'s; rename one of the services");
            }
            for (Port port : servicePorts(instance)) {
                String serviceName = serviceName(instance, port);
                String serviceProblem = KubernetesNames.problem("service '" + instance.service() + "' port " + port
                        + ": its Service name", serviceName);
                if (serviceProblem != null && !problems.contains(serviceProblem)) {
                    problems.add(serviceProblem);
                }
                String previous = services.putIfAbsent(serviceName, instance.service());
                if (previous != null && !previous.equals(instance.service())) {
                    problems.add("service '" + instance.service() + "': its Service name '" + serviceName
                            + "' is also service '" + previous + "''s; rename one of them");
                }
            }
            if (instance.image().text().isEmpty() || image(instance) == null) {
                problems.add("instance " + instance.id() + ": image " + instance.image() + " is not in the plan");
            }
        }
        if (!problems.isEmpty()) {
            throw new RenderRefused(problems);
        }
    }

    Deployment deployment(InstancePlan instance, List<String> warnings) {
        String name = KubernetesNames.instance(instance.id());
        Wave wave = waves.get(instance.id());
        Map<String, String> labels = new LinkedHashMap<>(podLabels(instance));
        labels.put(WAVE_LABEL, Integer.toString(wave.number()));
        labels.put(WAVE_KIND_LABEL, wave.kind().name().toLowerCase(Locale.ROOT));
        return new DeploymentBuilder()
                .withNewMetadata().withName(name).withLabels(sorted(labels))
                .withAnnotations(sorted(Map.of(ImagePlanner.INSTANCE_IMAGE_LABEL, instance.image().text(),
                        ImagePlanner.INSTANCE_REVISION_LABEL, plan.build().revision())))
                .endMetadata()
                .withNewSpec()
                .withReplicas(1)
                .withRevisionHistoryLimit(3)
                .withProgressDeadlineSeconds(progressDeadlineSeconds(instance.healthCheck()))
                .withStrategy(strategy(instance))
                .withNewSelector().withMatchLabels(selector(instance)).endSelector()
                .withNewTemplate()
                .withNewMetadata().withLabels(sorted(podLabels(instance))).endMetadata()
                .withSpec(podSpec(instance, warnings))
                .endTemplate()
                .endSpec()
                .build();
    }

    /**
     * One replica, a new pod started beside the old one and the old one stopped only when the new one is ready:
     * pods have their own network namespace, so the two do not fight over the ports. Waves are labels
     * ({@value #WAVE_LABEL}): {@code kubectl apply -k DIR -l dev.slipway.wave=1} applies the canary first.
     */
    DeploymentStrategy strategy(InstancePlan instance) {
        // runtime settings: an instance holding a whole GPU (nvidia.com/gpu) cannot surge on its one node: Recreate
        return new DeploymentStrategyBuilder().withType("RollingUpdate")
                .withNewRollingUpdate().withMaxSurge(new IntOrString(1)).withMaxUnavailable(new IntOrString(0))
                .endRollingUpdate().build();
    }

    /** As long as Slipway's own gate would wait (the start period) plus the retries of Docker's check. */
    static int progressDeadlineSeconds(HealthCheckPlan health) {
        return Math.toIntExact(health.startPeriodSeconds() + health.intervalSeconds() * health.retries());
    }

    PodSpec podSpec(InstancePlan instance, List<String> warnings) {
        ImagePlan image = image(instance);
        return new PodSpecBuilder()
                .withNodeSelector(sorted(Map.of(MACHINE_LABEL, instance.machine())))
                .withSecurityContext(podSecurityContext(image))
                .withEnableServiceLinks(false)
                .withContainers(container(instance, image, warnings))
                .withVolumes(volumes(instance, image))
                .build();
    }

    Container container(InstancePlan instance, ImagePlan image, List<String> warnings) {
        HealthCheckPlan health = instance.healthCheck();
        return new ContainerBuilder()
                .withName(KubernetesNames.service(instance.service()))
                .withImage(digests.reference(instance, warnings))
                .withImagePullPolicy("IfNotPresent")
                .withPorts(containerPorts(instance))
                .withStartupProbe(startupProbe(health))
                .withReadinessProbe(periodicProbe(health))
                .withLivenessProbe(periodicProbe(health))
                .withSecurityContext(containerSecurityContext())
                .withResources(resources(instance))
                .withVolumeMounts(volumeMounts(instance, image))
                .build();
    }

    List<ContainerPort> containerPorts(InstancePlan instance) {
        List<ContainerPort> ports = new ArrayList<>();
        for (Port port : instance.ports()) {
            ports.add(new ContainerPortBuilder().withName(portName(instance, port))
                    .withContainerPort(port.number()).withProtocol("TCP").build());
        }
        return ports;
    }

    /**
     * The start period as Slipway's gate reads it: probed every second, the pod has {@code startPeriodSeconds} to
     * answer before it is restarted; readiness and liveness then follow Docker's check (interval, timeout, retries).
     */
    static Probe startupProbe(HealthCheckPlan health) {
        return probe(health, 1, Math.toIntExact(Math.max(1, health.startPeriodSeconds())));
    }

    static Probe periodicProbe(HealthCheckPlan health) {
        return probe(health, Math.toIntExact(health.intervalSeconds()), health.retries());
    }

    private static Probe probe(HealthCheckPlan health, int periodSeconds, int failureThreshold) {
        return new ProbeBuilder()
                .withNewHttpGet().withPath(health.path()).withPort(new IntOrString(health.port().number()))
                .withScheme("HTTP").endHttpGet()
                .withPeriodSeconds(periodSeconds)
                .withTimeoutSeconds(Math.toIntExact(health.timeoutSeconds()))
                .withFailureThreshold(failureThreshold)
                .withSuccessThreshold(1)
                .build();
    }

    /** The image's own user (SPEC: appuser 10001:10001), never root. */
    PodSecurityContext podSecurityContext(ImagePlan image) {
        long[] uidGid = uidGid(image);
        return new PodSecurityContextBuilder().withRunAsUser(uidGid[0]).withRunAsGroup(uidGid[1])
                .withFsGroup(uidGid[1]).withRunAsNonRoot(true)
                .withNewSeccompProfile().withType("RuntimeDefault").endSeccompProfile()
                .build();
    }

    /** The root filesystem is read-only; what a service may write is a volume ({@link #volumes}). */
    SecurityContext containerSecurityContext() {
        return new SecurityContextBuilder().withAllowPrivilegeEscalation(false).withReadOnlyRootFilesystem(true)
                .withNewCapabilities().withDrop("ALL").endCapabilities()
                .build();
    }

    /** Nothing the plan asks for yet; GPUs ({@code nvidia.com/gpu}) and memory/CPU limits are mapped here. */
    ResourceRequirements resources(InstancePlan instance) {
        return null;
    }

    /**
     * An {@code emptyDir} on the node's disk at {@code /tmp} (and at {@code $HOME} when the image sets one), so a
     * read-only root still leaves the usual scratch places writable. Declared volumes, shm and secrets are mapped
     * here and in {@link #volumeMounts}.
     */
    List<Volume> volumes(InstancePlan instance, ImagePlan image) {
        List<Volume> volumes = new ArrayList<>();
        for (String name : scratchDirectories(image).keySet()) {
            volumes.add(new VolumeBuilder().withName(name).withNewEmptyDir().endEmptyDir().build());
        }
        return volumes;
    }

    List<VolumeMount> volumeMounts(InstancePlan instance, ImagePlan image) {
        List<VolumeMount> mounts = new ArrayList<>();
        scratchDirectories(image).forEach(
                (name, path) -> mounts.add(new VolumeMountBuilder().withName(name).withMountPath(path).build()));
        return mounts;
    }

    private static Map<String, String> scratchDirectories(ImagePlan image) {
        Map<String, String> directories = new LinkedHashMap<>();
        directories.put(TMP_VOLUME, "/tmp");
        String home = image.env().get("HOME");
        if (home != null && home.startsWith("/") && !home.equals("/") && !home.startsWith("/tmp")) {
            directories.put("home", home);
        }
        return directories;
    }

    /** One Service per service port (every port but the health port), selecting the service on every machine. */
    List<Service> services() {
        Map<String, Service> services = new TreeMap<>();
        for (InstancePlan instance : plan.instances()) {
            for (Port port : servicePorts(instance)) {
                String name = serviceName(instance, port);
                services.computeIfAbsent(name, n -> new ServiceBuilder()
                        .withNewMetadata().withName(n).withLabels(sorted(serviceLabels(instance))).endMetadata()
                        .withNewSpec().withType("ClusterIP").withSelector(sorted(serviceLabels(instance)))
                        .withPorts(new ServicePortBuilder().withName(portName(instance, port))
                                .withPort(port.number()).withTargetPort(new IntOrString(port.number()))
                                .withProtocol("TCP").build())
                        .endSpec().build());
            }
        }
        return List.copyOf(services.values());
    }

    private static List<Port> servicePorts(InstancePlan instance) {
        return instance.ports().stream().filter(p -> !p.equals(instance.healthCheck().port())).toList();
    }

    /** {@code <service>} for its one service port (SPEC's case), {@code <service>-<port>} when it has several. */
    private static String serviceName(InstancePlan instance, Port port) {
        String base = KubernetesNames.service(instance.service());
        return servicePorts(instance).size() == 1 ? base : base + "-" + port.number();
    }

    private static String portName(InstancePlan instance, Port port) {
        if (port.equals(instance.healthCheck().port())) {
            return HEALTH_PORT_NAME;
        }
        return servicePorts(instance).size() == 1 ? "service" : "port-" + port.number();
    }

    private Map<String, String> podLabels(InstancePlan instance) {
        Map<String, String> labels = new LinkedHashMap<>(selector(instance));
        labels.put("app.kubernetes.io/name", KubernetesNames.service(instance.service()));
        labels.put("app.kubernetes.io/instance", KubernetesNames.instance(instance.id()));
        labels.put("app.kubernetes.io/part-of", KubernetesNames.service(plan.fleet()));
        labels.put("app.kubernetes.io/managed-by", "slipway");
        return labels;
    }

    private Map<String, String> serviceLabels(InstancePlan instance) {
        Map<String, String> labels = new LinkedHashMap<>();
        labels.put(FLEET_LABEL, plan.fleet());
        labels.put(SERVICE_LABEL, instance.service());
        return labels;
    }

    /** What a Deployment owns: its service on its machine (immutable once applied, so it never holds the tag). */
    private Map<String, String> selector(InstancePlan instance) {
        Map<String, String> labels = new LinkedHashMap<>(serviceLabels(instance));
        labels.put(MACHINE_LABEL, instance.machine());
        return sorted(labels);
    }

    private ImagePlan image(InstancePlan instance) {
        return plan.image(instance.image().text()).orElse(null);
    }

    private static long[] uidGid(ImagePlan image) {
        String[] parts = image.user().split(":");
        return new long[]{Long.parseLong(parts[0]), Long.parseLong(parts.length > 1 ? parts[1] : parts[0])};
    }

    private static Map<String, String> sorted(Map<String, String> map) {
        return new TreeMap<>(map);
    }
}
