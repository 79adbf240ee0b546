package dev.slipway.render.compose;

import dev.slipway.model.DataSize;
import dev.slipway.model.LogRotation;
import dev.slipway.model.Mount;
import dev.slipway.model.SecretUse;
import dev.slipway.model.Ulimit;
import dev.slipway.plan.FleetPlan;
import dev.slipway.plan.HealthCheckPlan;
import dev.slipway.plan.ImagePlan;
import dev.slipway.plan.ImagePlanner;
import dev.slipway.plan.InstancePlan;
import dev.slipway.plan.RuntimePlan;
import dev.slipway.render.ImageDigests;
import dev.slipway.render.RenderRefused;
import dev.slipway.render.RenderedFile;
import dev.slipway.render.Rendering;
import dev.slipway.render.Yaml;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.stream.Collectors;

/**
 * Renders one machine of a {@link FleetPlan} as a Compose file that runs its instances as Slipway's Docker-host
 * rollout creates them: host network, the image's user, restart {@code unless-stopped}, {@code no-new-privileges},
 * the plan's health check, and its runtime settings as {@code RuntimeHostConfig} maps them (GPUs, shm, limits,
 * ulimits, volumes, log rotation, secrets by name, start order). A debugging aid for one machine; each concern is one
 * method.
 */
public final class ComposeRenderer {
    public static final String RENDERED_BY_LABEL = ImagePlanner.LABEL_PREFIX + "rendered-by";
    /** Where {@code docker-compose up} finds the secret files: set by whoever runs it, never in the rendering. */
    public static final String SECRETS_DIR_VARIABLE = "SLIPWAY_SECRETS_DIR";
    static final String FLEET_LABEL = ImagePlanner.FLEET_LABEL;

    private final FleetPlan plan;
    private final ImageDigests digests;
    private final Set<String> servicesHere;

    private ComposeRenderer(FleetPlan plan, ImageDigests digests, Set<String> servicesHere) {
        this.plan = plan;
        this.digests = digests;
        this.servicesHere = servicesHere;
    }

    /** {@code fileName} holding every instance on {@code machine}; a machine without one is refused, naming those that have. */
    public static Rendering render(FleetPlan plan, String machine, ImageDigests digests, String fileName) {
        List<InstancePlan> instances = plan.on(machine);
        if (instances.isEmpty()) {
            throw new RenderRefused(List.of("--machine: '" + machine + "' runs no service of fleet " + plan.fleet()
                    + "; machines with services: " + String.join(", ", plan.machines())));
        }
        ComposeRenderer renderer = new ComposeRenderer(plan, digests,
                instances.stream().map(InstancePlan::service).collect(Collectors.toSet()));
        List<String> warnings = new ArrayList<>();
        Map<String, ComposeFile.Service> services = new LinkedHashMap<>();
        Map<String, ComposeFile.NamedVolume> volumes = new TreeMap<>();
        Map<String, ComposeFile.Secret> secrets = new TreeMap<>();
        for (InstancePlan instance : instances) {
            services.put(instance.service(), renderer.service(instance, warnings));
            volumes.putAll(renderer.namedVolumes(instance));
            secrets.putAll(secretFiles(instance));
        }
        return new Rendering(List.of(new RenderedFile(fileName,
                Yaml.write(new ComposeFile(ComposeFile.VERSION, services, volumes, secrets)))), warnings);
    }

    ComposeFile.Service service(InstancePlan instance, List<String> warnings) {
        ImagePlan image = plan.image(instance.image().text()).orElseThrow(() -> new IllegalStateException(
                "instance " + instance.id() + ": image " + instance.image() + " is not in the plan"));
        RuntimePlan runtime = instance.runtime();
        return new ComposeFile.Service(digests.reference(instance, warnings), image.user(), "host", "unless-stopped",
                List.of("no-new-privileges:true"), readOnly(instance), secretEnvironment(instance),
                runtime.shmSize().map(ComposeRenderer::size).orElse(null),
                runtime.memory().map(ComposeRenderer::size).orElse(null), runtime.cpus().orElse(null),
                ulimits(runtime), volumes(runtime), secretNames(instance), logging(runtime.logs()), gpus(runtime),
                dependsOn(instance, warnings), healthcheck(instance.healthCheck()), labels(instance));
    }

    /** As on the Docker hosts, the root filesystem stays writable (null: the key is left out). */
    Boolean readOnly(InstancePlan instance) {
        return null;
    }

    static ComposeFile.Healthcheck healthcheck(HealthCheckPlan health) {
        return new ComposeFile.Healthcheck(health.test(), health.intervalSeconds() + "s",
                health.timeoutSeconds() + "s", health.startPeriodSeconds() + "s", health.retries());
    }

    /** Which instance and build a container is; the image's own dev.slipway.* labels come with it. */
    Map<String, String> labels(InstancePlan instance) {
        Map<String, String> labels = new TreeMap<>();
        labels.put(ImagePlanner.MACHINE_LABEL, instance.machine());
        labels.put(ImagePlanner.INSTANCE_IMAGE_LABEL, instance.image().text());
        labels.put(ImagePlanner.INSTANCE_REVISION_LABEL, plan.build().revision());
        labels.put(RENDERED_BY_LABEL, "compose");
        return labels;
    }

    /** What {@code docker run --gpus device=0,1} (or {@code --gpus all} when the list is empty) sends. */
    static ComposeFile.Deploy gpus(RuntimePlan runtime) {
        return runtime.gpuDevices()
                .map(ids -> new ComposeFile.Device("nvidia", ids.isEmpty() ? "all" : null, ids, List.of("gpu")))
                .map(device -> new ComposeFile.Deploy(
                        new ComposeFile.Resources(new ComposeFile.Reservations(List.of(device)))))
                .orElse(null);
    }

    static Map<String, ComposeFile.Ulimit> ulimits(RuntimePlan runtime) {
        Map<String, ComposeFile.Ulimit> ulimits = new TreeMap<>();
        for (Ulimit ulimit : runtime.ulimits()) {
            ulimits.put(ulimit.name(), new ComposeFile.Ulimit(ulimit.soft(), ulimit.hard()));
        }
        return ulimits;
    }

    /** Short syntax: {@code name:/path} for a named volume, {@code /host:/path:ro} for a bind. */
    static List<String> volumes(RuntimePlan runtime) {
        List<String> volumes = new ArrayList<>();
        for (Mount mount : runtime.mounts()) {
            if (mount instanceof Mount.Volume volume) {
                volumes.add(volume.name() + ":" + volume.containerPath());
            } else if (mount instanceof Mount.ReadOnlyBind bind) {
                volumes.add(bind.hostPath() + ":" + bind.containerPath() + ":ro");
            }
        }
        return volumes;
    }

    /**
     * The volumes by their own names (the same volume {@code apply} creates on that machine, with the same fleet
     * label), so a model cache survives switching between the two.
     */
    Map<String, ComposeFile.NamedVolume> namedVolumes(InstancePlan instance) {
        Map<String, ComposeFile.NamedVolume> volumes = new TreeMap<>();
        for (Mount mount : instance.runtime().mounts()) {
            if (mount instanceof Mount.Volume volume) {
                volumes.put(volume.name(),
                        new ComposeFile.NamedVolume(volume.name(), Map.of(FLEET_LABEL, plan.fleet())));
            }
        }
        return volumes;
    }

    /** Bounded json-file logs, always, as the Docker hosts set them. */
    static ComposeFile.Logging logging(LogRotation logs) {
        return new ComposeFile.Logging("json-file",
                Map.of("max-size", size(logs.maxSize()), "max-file", Integer.toString(logs.maxFiles())));
    }

    /** File secrets by name ({@code /run/secrets/NAME}); each is a top-level secret ({@link #secretFiles}). */
    static List<String> secretNames(InstancePlan instance) {
        return instance.runtime().secrets().stream().filter(s -> s.delivery() == SecretUse.Delivery.FILE)
                .map(SecretUse::name).toList();
    }

    /**
     * A file in the directory whoever runs Compose names with {@value #SECRETS_DIR_VARIABLE}; Compose refuses to
     * start without it.
     */
    static Map<String, ComposeFile.Secret> secretFiles(InstancePlan instance) {
        Map<String, ComposeFile.Secret> secrets = new TreeMap<>();
        for (String name : secretNames(instance)) {
            secrets.put(name, new ComposeFile.Secret("${" + SECRETS_DIR_VARIABLE + ":?set " + SECRETS_DIR_VARIABLE
                    + " to the directory holding one file per secret}/" + name));
        }
        return secrets;
    }

    /** Env secrets from the environment of whoever runs Compose, by name; Compose refuses to start without one. */
    static Map<String, String> secretEnvironment(InstancePlan instance) {
        Map<String, String> environment = new TreeMap<>();
        for (SecretUse secret : instance.runtime().secrets()) {
            if (secret.delivery() == SecretUse.Delivery.ENV) {
                environment.put(secret.name(), "${" + secret.name() + ":?set " + secret.name()
                        + " to the secret's value}");
            }
        }
        return environment;
    }

    /**
     * Start after each dependency on this machine is healthy (its health check is the plan's); a dependency on
     * another machine is not in this file, so Compose cannot wait for it: a warning says so.
     */
    Map<String, ComposeFile.Dependency> dependsOn(InstancePlan instance, List<String> warnings) {
        Map<String, ComposeFile.Dependency> dependencies = new TreeMap<>();
        for (String dependency : instance.runtime().dependsOn()) {
            if (servicesHere.contains(dependency)) {
                dependencies.put(dependency, new ComposeFile.Dependency("service_healthy"));
            } else {
                warnings.add("instance " + instance.id() + ": depends on " + dependency + ", which does not run on "
                        + instance.machine() + "; Compose starts it without waiting");
            }
        }
        return dependencies;
    }

    /** A size as Docker's units read it ({@code 2g}, {@code 256m}, {@code 64k}; plain bytes otherwise). */
    static String size(DataSize size) {
        long bytes = size.bytes();
        String[] suffixes = {"g", "m", "k"};
        long[] units = {1L << 30, 1L << 20, 1L << 10};
        for (int i = 0; i < units.length; i++) {
            if (bytes >= units[i] && bytes % units[i] == 0) {
                return bytes / units[i] + suffixes[i];
            }
        }
        return Long.toString(bytes);
    }
}
