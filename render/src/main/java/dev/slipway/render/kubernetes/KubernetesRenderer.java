package dev.slipway.render.kubernetes;

import dev.slipway.model.DataSize;
import dev.slipway.model.LogRotation;
import dev.slipway.model.Mount;
import dev.slipway.model.Port;
import dev.slipway.model.SecretUse;
import dev.slipway.model.Ulimit;
import dev.slipway.plan.FleetPlan;
import dev.slipway.plan.HealthCheckPlan;
import dev.slipway.plan.ImagePlan;
import dev.slipway.plan.ImagePlanner;
import dev.slipway.plan.InstanceId;
import dev.slipway.plan.InstancePlan;
import dev.slipway.plan.RuntimePlan;
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
import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.EnvVarBuilder;
import io.fabric8.kubernetes.api.model.IntOrString;
import io.fabric8.kubernetes.api.model.KeyToPath;
import io.fabric8.kubernetes.api.model.KeyToPathBuilder;
import io.fabric8.kubernetes.api.model.PersistentVolumeClaim;
import io.fabric8.kubernetes.api.model.PersistentVolumeClaimBuilder;
import io.fabric8.kubernetes.api.model.PodSecurityContext;
import io.fabric8.kubernetes.api.model.PodSecurityContextBuilder;
import io.fabric8.kubernetes.api.model.PodSpec;
import io.fabric8.kubernetes.api.model.PodSpecBuilder;
import io.fabric8.kubernetes.api.model.Probe;
import io.fabric8.kubernetes.api.model.ProbeBuilder;
import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.api.model.ResourceRequirements;
import io.fabric8.kubernetes.api.model.ResourceRequirementsBuilder;
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
import java.util.Optional;
import java.util.TreeMap;
import java.util.stream.Collectors;

/**
 * Renders a {@link FleetPlan} as Kubernetes manifests with fabric8's typed model: a Deployment per instance
 * (service and machine, placed by node label {@value #MACHINE_LABEL}), a PersistentVolumeClaim per named volume and
 * machine, a Service per service port, and a {@code kustomization.yaml} listing them. Each concern of a pod is one
 * method, so a setting the plan gains is mapped in one place. Equal plans and digests render equal bytes.
 */
public final class KubernetesRenderer {
    public static final String MACHINE_LABEL = ImagePlanner.MACHINE_LABEL;
    static final String FLEET_LABEL = ImagePlanner.FLEET_LABEL;
    static final String SERVICE_LABEL = ImagePlanner.SERVICE_LABEL;
    static final String WAVE_LABEL = ImagePlanner.LABEL_PREFIX + "wave";
    static final String WAVE_KIND_LABEL = ImagePlanner.LABEL_PREFIX + "wave-kind";
    static final String HEALTH_PORT_NAME = "health";
    static final String TMP_VOLUME = "tmp";
    static final String SHM_VOLUME = "dshm";
    static final String SECRETS_VOLUME = "secrets";
    static final String GPU_RESOURCE = "nvidia.com/gpu";
    /** What a pod spec cannot say, kept on the Deployment so a reader of the manifest sees it was not dropped. */
    static final String ULIMITS_ANNOTATION = ImagePlanner.LABEL_PREFIX + "ulimits";
    static final String VOLUME_ANNOTATION = ImagePlanner.LABEL_PREFIX + "volume";
    /** The plan has no size for a volume; a claim must ask for one (change it with a kustomize patch). */
    static final Quantity CLAIM_SIZE = new Quantity("20Gi");
    /** Secret files are group-readable: the pod's fsGroup (the image's gid) owns them, never world. */
    static final int SECRET_FILE_MODE = 0440;

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
        for (PersistentVolumeClaim claim : claims()) {
            files.add(new RenderedFile("pvc-" + claim.getMetadata().getName() + ".yaml", Yaml.write(claim)));
        }
        for (Service service : services()) {
            files.add(new RenderedFile("service-" + service.getMetadata().getName() + ".yaml", Yaml.write(service)));
        }
        files.add(new RenderedFile(Kustomization.FILE_NAME,
                Yaml.write(Kustomization.of(files.stream().map(RenderedFile::name).toList()))));
        return new Rendering(files, warnings);
    }

    /**
     * Every name Kubernetes would refuse (instance, service, volume, the fleet's Secret), two Slipway names that
     * become one, and a GPU request with no count, at once.
     */
    private void refuseUnnameable() {
        List<String> problems = new ArrayList<>();
        Map<String, InstanceId> deployments = new TreeMap<>();
        Map<String, String> services = new TreeMap<>();
        Map<String, String> claims = new TreeMap<>();
        for (InstancePlan instance : plan.instances()) {
            refuseUnrepresentableRuntime(instance, claims, problems);
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
        if (plan.instances().stream().anyMatch(i -> !i.runtime().secrets().isEmpty())) {
            String problem = KubernetesNames.problem("fleet " + plan.fleet() + ": its Secret name",
                    KubernetesNames.secret(plan.fleet()));
            if (problem != null) {
                problems.add(problem);
            }
        }
        if (!problems.isEmpty()) {
            throw new RenderRefused(problems);
        }
    }

    /** Named volumes whose claim name is no Kubernetes name or is another volume's, and GPUs with no count. */
    private static void refuseUnrepresentableRuntime(InstancePlan instance, Map<String, String> claims,
            List<String> problems) {
        for (Mount mount : instance.runtime().mounts()) {
            if (mount instanceof Mount.Volume volume) {
                String claim = KubernetesNames.claim(volume.name(), instance.machine());
                String problem = KubernetesNames.problem("volume '" + volume.name() + "' on " + instance.machine()
                        + ": its PersistentVolumeClaim name", claim);
                if (problem != null && !problems.contains(problem)) {
                    problems.add(problem);
                }
                String previous = claims.putIfAbsent(claim, volume.name());
                if (previous != null && !previous.equals(volume.name())) {
                    String clash = "volume '" + volume.name() + "' on " + instance.machine() + ": its "
                            + "PersistentVolumeClaim name '" + claim + "' is also volume '" + previous
                            + "''s; rename one of them";
                    if (!problems.contains(clash)) {
                        problems.add(clash);
                    }
                }
            }
        }
        if (instance.runtime().gpuDevices().filter(List::isEmpty).isPresent()) {
            problems.add("instance " + instance.id() + ": asks for every GPU of " + instance.machine()
                    + ", whose profile lists no GPU_VISIBLE_DEVICES, so there is no count for " + GPU_RESOURCE
                    + "; expected device ids in the machine profile or gpus(\"0\") on the service");
        }
    }

    Deployment deployment(InstancePlan instance, List<String> warnings) {
        String name = KubernetesNames.instance(instance.id());
        Wave wave = waves.get(instance.id());
        Map<String, String> labels = new LinkedHashMap<>(podLabels(instance));
        labels.put(WAVE_LABEL, Integer.toString(wave.number()));
        labels.put(WAVE_KIND_LABEL, wave.kind().name().toLowerCase(Locale.ROOT));
        Map<String, String> annotations = new TreeMap<>(Map.of(ImagePlanner.INSTANCE_IMAGE_LABEL,
                instance.image().text(), ImagePlanner.INSTANCE_REVISION_LABEL, plan.build().revision()));
        ulimits(instance.runtime()).ifPresent(ulimits -> annotations.put(ULIMITS_ANNOTATION, ulimits));
        warnUnrepresentable(instance, warnings);
        return new DeploymentBuilder()
                .withNewMetadata().withName(name).withLabels(sorted(labels))
                .withAnnotations(annotations)
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
     * Ulimits and a log rotation of the plan's own have no field in a pod: one warning line each, so a user reads
     * that the node's container runtime and kubelet decide them (docs/render.md), never a silent drop.
     */
    private static void warnUnrepresentable(InstancePlan instance, List<String> warnings) {
        ulimits(instance.runtime()).ifPresent(ulimits -> warnings.add("instance " + instance.id() + ": ulimits "
                + ulimits + " have no field in a Kubernetes pod; the node's container runtime sets them (annotation "
                + ULIMITS_ANNOTATION + " on the Deployment keeps them for a reader)"));
        LogRotation logs = instance.runtime().logs();
        if (!logs.equals(LogRotation.DEFAULT)) {
            warnings.add("instance " + instance.id() + ": log rotation " + logs + " has no field in a Kubernetes "
                    + "pod; the kubelet rotates logs by its containerLogMaxSize and containerLogMaxFiles");
        }
    }

    private static Optional<String> ulimits(RuntimePlan runtime) {
        return runtime.ulimits().isEmpty()
                ? Optional.empty()
                : Optional.of(runtime.ulimits().stream().map(Ulimit::toString).collect(Collectors.joining(",")));
    }

    /**
     * One replica, a new pod started beside the old one and the old one stopped only when the new one is ready:
     * pods have their own network namespace, so the two do not fight over the ports. An instance holding GPUs is
     * recreated instead: a surge pod would wait for the GPUs its predecessor holds on the one node it may run on.
     * Waves are labels ({@value #WAVE_LABEL}): {@code kubectl apply -k DIR -l dev.slipway.wave=1} applies the canary
     * first.
     */
    DeploymentStrategy strategy(InstancePlan instance) {
        if (instance.runtime().gpuDevices().isPresent()) {
            return new DeploymentStrategyBuilder().withType("Recreate").build();
        }
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
                .withEnv(secretEnv(instance))
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

    /**
     * Limits only, as the Docker hosts set them (Kubernetes then requests the same): the GPUs as a count of
     * {@value #GPU_RESOURCE} (the device plugin picks which ones), memory and CPU; null when the plan sets none.
     */
    ResourceRequirements resources(InstancePlan instance) {
        RuntimePlan runtime = instance.runtime();
        Map<String, Quantity> limits = new TreeMap<>();
        runtime.gpuDevices().ifPresent(ids -> limits.put(GPU_RESOURCE, new Quantity(Integer.toString(ids.size()))));
        runtime.memory().ifPresent(limit -> limits.put("memory", quantity(limit)));
        runtime.cpus().ifPresent(cpus -> limits.put("cpu", cpuQuantity(cpus)));
        return limits.isEmpty() ? null : new ResourceRequirementsBuilder().withLimits(limits).build();
    }

    /** Bytes with the largest binary suffix that is exact ({@code 2Gi}, {@code 256Mi}), else plain bytes. */
    static Quantity quantity(DataSize size) {
        long bytes = size.bytes();
        String[] suffixes = {"Gi", "Mi", "Ki"};
        long[] units = {1L << 30, 1L << 20, 1L << 10};
        for (int i = 0; i < units.length; i++) {
            if (bytes >= units[i] && bytes % units[i] == 0) {
                return new Quantity(Long.toString(bytes / units[i]), suffixes[i]);
            }
        }
        return new Quantity(Long.toString(bytes));
    }

    /** CPUs in millicores ({@code 1500m}), whole CPUs as a number ({@code 2}). */
    static Quantity cpuQuantity(double cpus) {
        long millis = Math.round(cpus * 1000);
        return millis % 1000 == 0 ? new Quantity(Long.toString(millis / 1000)) : new Quantity(millis + "m");
    }

    /** Secrets the plan delivers as environment: a reference to their key in the fleet's Secret, never a value. */
    List<EnvVar> secretEnv(InstancePlan instance) {
        List<EnvVar> env = new ArrayList<>();
        for (SecretUse secret : instance.runtime().secrets()) {
            if (secret.delivery() == SecretUse.Delivery.ENV) {
                env.add(new EnvVarBuilder().withName(secret.name()).withNewValueFrom().withNewSecretKeyRef()
                        .withName(KubernetesNames.secret(plan.fleet())).withKey(secret.name()).withOptional(false)
                        .endSecretKeyRef().endValueFrom().build());
            }
        }
        return env;
    }

    /**
     * An {@code emptyDir} on the node's disk at {@code /tmp} (and at {@code $HOME} when the image sets one), so a
     * read-only root still leaves the usual scratch places writable; then the plan's: shm as a memory-backed
     * {@code emptyDir} of its size, secret files from the fleet's Secret, a claim per named volume (this machine's)
     * and a {@code hostPath} per read-only bind, each mounted by {@link #volumeMounts}.
     */
    List<Volume> volumes(InstancePlan instance, ImagePlan image) {
        List<Volume> volumes = new ArrayList<>();
        for (String name : scratchDirectories(image).keySet()) {
            volumes.add(new VolumeBuilder().withName(name).withNewEmptyDir().endEmptyDir().build());
        }
        RuntimePlan runtime = instance.runtime();
        runtime.shmSize().ifPresent(size -> volumes.add(new VolumeBuilder().withName(SHM_VOLUME).withNewEmptyDir()
                .withMedium("Memory").withSizeLimit(quantity(size)).endEmptyDir().build()));
        List<KeyToPath> files = secretFiles(instance).stream()
                .map(secret -> new KeyToPathBuilder().withKey(secret.name()).withPath(secret.name()).build()).toList();
        if (!files.isEmpty()) {
            volumes.add(new VolumeBuilder().withName(SECRETS_VOLUME).withNewSecret()
                    .withSecretName(KubernetesNames.secret(plan.fleet())).withItems(files)
                    .withDefaultMode(SECRET_FILE_MODE).withOptional(false).endSecret().build());
        }
        Map<String, Volume> mounted = new LinkedHashMap<>();
        List<Mount> mounts = runtime.mounts();
        for (int i = 0; i < mounts.size(); i++) {
            String name = mountVolumeName(instance, i);
            if (mounts.get(i) instanceof Mount.Volume) {
                mounted.putIfAbsent(name, new VolumeBuilder().withName(name).withNewPersistentVolumeClaim()
                        .withClaimName(name).endPersistentVolumeClaim().build());
            } else if (mounts.get(i) instanceof Mount.ReadOnlyBind bind) {
                mounted.put(name, new VolumeBuilder().withName(name).withNewHostPath().withPath(bind.hostPath())
                        .endHostPath().build());
            }
        }
        volumes.addAll(mounted.values());
        return volumes;
    }

    List<VolumeMount> volumeMounts(InstancePlan instance, ImagePlan image) {
        List<VolumeMount> mounts = new ArrayList<>();
        scratchDirectories(image).forEach(
                (name, path) -> mounts.add(new VolumeMountBuilder().withName(name).withMountPath(path).build()));
        RuntimePlan runtime = instance.runtime();
        runtime.shmSize().ifPresent(
                size -> mounts.add(new VolumeMountBuilder().withName(SHM_VOLUME).withMountPath("/dev/shm").build()));
        if (!secretFiles(instance).isEmpty()) {
            mounts.add(new VolumeMountBuilder().withName(SECRETS_VOLUME).withMountPath(SecretUse.DIRECTORY)
                    .withReadOnly(true).build());
        }
        for (int i = 0; i < runtime.mounts().size(); i++) {
            Mount mount = runtime.mounts().get(i);
            mounts.add(new VolumeMountBuilder().withName(mountVolumeName(instance, i))
                    .withMountPath(mount.containerPath())
                    .withReadOnly(mount instanceof Mount.ReadOnlyBind ? Boolean.TRUE : null).build());
        }
        return mounts;
    }

    private static List<SecretUse> secretFiles(InstancePlan instance) {
        return instance.runtime().secrets().stream().filter(s -> s.delivery() == SecretUse.Delivery.FILE).toList();
    }

    /** A claim's own name for a named volume (one volume mounted twice is one pod volume); {@code bind-N} for binds. */
    private static String mountVolumeName(InstancePlan instance, int index) {
        List<Mount> mounts = instance.runtime().mounts();
        if (mounts.get(index) instanceof Mount.Volume volume) {
            return KubernetesNames.claim(volume.name(), instance.machine());
        }
        int bind = 0;
        for (int i = 0; i <= index; i++) {
            if (mounts.get(i) instanceof Mount.ReadOnlyBind) {
                bind++;
            }
        }
        return "bind-" + bind;
    }

    /**
     * One ReadWriteOnce claim per named volume and machine, as each Docker host keeps its own volume of that name
     * and that machine's services share it (their pods run on one node, where ReadWriteOnce allows it). Labelled
     * with the earliest wave that mounts it, so {@code kubectl apply -l dev.slipway.wave=N} brings its claims.
     */
    List<PersistentVolumeClaim> claims() {
        Map<String, PersistentVolumeClaim> claims = new TreeMap<>();
        for (InstancePlan instance : plan.instances()) {
            for (Mount mount : instance.runtime().mounts()) {
                if (mount instanceof Mount.Volume volume) {
                    String name = KubernetesNames.claim(volume.name(), instance.machine());
                    int wave = waves.get(instance.id()).number();
                    PersistentVolumeClaim earlier = claims.get(name);
                    if (earlier != null
                            && Integer.parseInt(earlier.getMetadata().getLabels().get(WAVE_LABEL)) <= wave) {
                        continue;
                    }
                    Map<String, String> labels = new TreeMap<>();
                    labels.put(FLEET_LABEL, plan.fleet());
                    labels.put(MACHINE_LABEL, instance.machine());
                    labels.put(WAVE_LABEL, Integer.toString(wave));
                    labels.put("app.kubernetes.io/part-of", KubernetesNames.service(plan.fleet()));
                    labels.put("app.kubernetes.io/managed-by", "slipway");
                    claims.put(name, new PersistentVolumeClaimBuilder()
                            .withNewMetadata().withName(name).withLabels(labels)
                            .withAnnotations(sorted(Map.of(VOLUME_ANNOTATION, volume.name()))).endMetadata()
                            .withNewSpec().withAccessModes("ReadWriteOnce")
                            .withNewResources().withRequests(new TreeMap<>(Map.of("storage", CLAIM_SIZE)))
                            .endResources()
                            .endSpec().build());
                }
            }
        }
        return List.copyOf(claims.values());
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
