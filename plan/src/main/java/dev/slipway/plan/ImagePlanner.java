package dev.slipway.plan;

import dev.slipway.dsl.Family;
import dev.slipway.dsl.FileCopy;
import dev.slipway.dsl.HealthProbe;
import dev.slipway.dsl.MachineProfile;
import dev.slipway.dsl.Service;
import dev.slipway.model.HealthCheck;
import dev.slipway.model.ImageReference;
import dev.slipway.model.Port;
import dev.slipway.model.User;
import dev.slipway.validation.Fleet;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.SortedMap;
import java.util.TreeMap;

/** Turns a valid fleet into image plans: every family (parents first), then every service on every machine. */
public final class ImagePlanner {
    public static final String MACHINE_PROFILE_PATH = LayerPlan.MachineProfile.PATH;
    public static final String APP_DIRECTORY = LayerPlan.Application.PATH;
    public static final String LABEL_PREFIX = "dev.slipway.";
    /** Labels every Slipway image carries, and the rollout puts on the containers it creates. */
    public static final String FLEET_LABEL = LABEL_PREFIX + "fleet";
    public static final String SERVICE_LABEL = LABEL_PREFIX + "service";
    public static final String MACHINE_LABEL = LABEL_PREFIX + "machine";
    public static final String FAMILY_LABEL = LABEL_PREFIX + "family";
    /** Labels every target puts on an instance it runs: the image as the plan names it, and the build revision. */
    public static final String INSTANCE_IMAGE_LABEL = LABEL_PREFIX + "image";
    public static final String INSTANCE_REVISION_LABEL = LABEL_PREFIX + "revision";
    /** SPEC: every image carries the git revision it was built from. */
    public static final String REVISION_LABEL = "org.opencontainers.image.revision";
    /** SPEC: a service image names the port its health check probes. */
    public static final String HEALTH_PORT_LABEL = "health_check_port";

    private ImagePlanner() {
    }

    public static List<ImagePlan> plan(Fleet fleet, BuildIdentity build) {
        List<ImagePlan> plans = new ArrayList<>(fleet.families().size() + fleet.services().size());
        SharedParts shared = new SharedParts(fleet, build);
        for (Family family : fleet.families()) {
            FamilyParts parts = shared.family(family);
            plans.add(familyPlan(fleet, family, build, parts.packages(), parts.imageHealthCheck()));
        }
        for (Service service : fleet.services()) {
            for (MachineProfile machine : service.machines()) {
                plans.add(servicePlan(fleet, service, shared.family(service.family()), shared.machine(machine),
                        shared.healthCheck(service), build));
            }
        }
        return List.copyOf(plans);
    }

    static ImagePlan familyPlan(Fleet fleet, Family family, BuildIdentity build, List<PackagedFamily> packages,
            Optional<ImageHealthCheck> imageHealthCheck) {
        String base = family.parent().map(p -> ImageNames.family(fleet, p, build.tag()).text())
                .orElseGet(() -> family.base().orElseThrow().toString());
        List<LayerPlan> layers = new ArrayList<>();
        // SPEC order: OS packages, then Python dependencies, then the family's own files.
        family.debian().ifPresent(debian -> layers.add(new LayerPlan.Debian(debian.suite(), debian.names())));
        family.wheelLock().ifPresent(lock -> layers.add(new LayerPlan.Wheels(lock)));
        for (FileCopy copy : family.files()) {
            layers.add(new LayerPlan.FileCopy(copy.source(), copy.destination()));
        }
        SortedMap<String, String> labels = new TreeMap<>();
        labels.put(REVISION_LABEL, build.revision());
        labels.put(FLEET_LABEL, fleet.name());
        labels.put(FAMILY_LABEL, family.name());
        return new ImagePlan(ImagePlan.Kind.FAMILY, family.name(), Optional.empty(),
                ImageNames.family(fleet, family, build.tag()), base,
                family.parent().isPresent() ? Optional.empty() : family.base(), layers, packages, "", List.of(),
                List.of(), "", List.of(), family.inheritedEnv(), labels, Optional.empty(), imageHealthCheck,
                new TreeMap<>());
    }

    private static ImagePlan servicePlan(Fleet fleet, Service service, FamilyParts family, MachineParts machine,
            HealthCheckPlan healthCheck, BuildIdentity build) {
        // Profile before application: the app changes most often, so it is the last, small layer.
        LayerPlan profile = machine.profileLayer(service.user());
        List<LayerPlan> layers = service.app()
                .<List<LayerPlan>>map(dir -> List.of(profile, new LayerPlan.Application(dir)))
                .orElseGet(() -> List.of(profile));

        String healthPort = Integer.toString(service.healthPort());
        // the user's home, which the profile layer makes, unless the family moves HOME elsewhere
        Map<String, String> env = new TreeMap<>(Map.of("HOME", service.user().home()));
        env.putAll(family.env());
        env.putAll(machine.env());
        env.put("SERVICE_PORT", Integer.toString(service.servicePort()));
        env.put(HealthProbe.PORT_VARIABLE, healthPort);
        // what the image's health check reads (ImageHealthCheck): the same path as the container's check
        env.put(HealthProbe.PATH_VARIABLE, healthCheck.path());
        service.env().forEach(env::put);

        SortedMap<String, String> labels = new TreeMap<>();
        labels.put(REVISION_LABEL, build.revision());
        labels.put(HEALTH_PORT_LABEL, healthPort);
        labels.put(FLEET_LABEL, fleet.name());
        labels.put(SERVICE_LABEL, service.name());
        labels.put(FAMILY_LABEL, service.family().name());
        labels.put(MACHINE_LABEL, machine.profile().name());

        return new ImagePlan(ImagePlan.Kind.SERVICE, service.name(), machine.name(),
                ImageNames.service(fleet, service, machine.profile(), build.tag()), family.image().text(),
                Optional.empty(), layers, family.packages(), service.user().numeric(),
                List.of(service.init().path(), "--"), service.command(),
                service.app().isPresent() ? APP_DIRECTORY : "/",
                List.of(Port.of(service.servicePort()), Port.of(service.healthPort())), env, labels,
                Optional.of(healthCheck), family.imageHealthCheck(), machine.document());
    }

    /**
     * The health check a family's image carries. Slipway writes the base config of every family that installs
     * Debian packages or wheels itself, and puts that family's probe in it; families and services built on such an
     * image inherit it through Jib. Empty where no family of the lineage installs anything: jib-core (0.27) cannot
     * set a health check, only carry over its base image's.
     */
    static Optional<ImageHealthCheck> imageHealthCheck(Family family) {
        Optional<ImageHealthCheck> carried = Optional.empty();
        for (Family f : family.lineage()) {
            if (PackagedFamily.of(f).installsAnything()) {
                carried = Optional.of(ImageHealthCheck.of(f.probe(), HealthCheck.SPEC_DEFAULT));
            }
        }
        return carried;
    }

    /** What {@code /etc/machine-profile.json} holds: the machine's identity and every value it sets as env. */
    static SortedMap<String, String> profileDocument(MachineProfile machine) {
        SortedMap<String, String> doc = new TreeMap<>(machine.env());
        doc.put("machine", machine.name());
        machine.gpuModel().ifPresent(model -> doc.put("gpu_model", model));
        doc.put("gpu_memory_mib", Long.toString(machine.gpuMemory().bytes() / (1024 * 1024)));
        return doc;
    }

    /** What each family of a lineage asks to install, root first; empty when none installs anything. */
    static List<PackagedFamily> packagesOf(Family family) {
        List<PackagedFamily> lineage = new ArrayList<>();
        boolean any = false;
        for (Family f : family.lineage()) {
            PackagedFamily packaged = PackagedFamily.of(f);
            any |= packaged.installsAnything();
            lineage.add(packaged);
        }
        return any ? List.copyOf(lineage) : List.of();
    }

    /**
     * What service images have in common, made once per family, machine or health check during one
     * {@link #plan} rather than once per image, and shared by the plans: a large fleet has few of each.
     */
    static final class SharedParts {
        private final Fleet fleet;
        private final BuildIdentity build;
        private final Map<Family, FamilyParts> families = new IdentityHashMap<>();
        private final Map<MachineProfile, MachineParts> machines = new IdentityHashMap<>();
        private final Map<HealthKey, HealthCheckPlan> healthChecks = new HashMap<>();

        SharedParts(Fleet fleet, BuildIdentity build) {
            this.fleet = fleet;
            this.build = build;
        }

        FamilyParts family(Family family) {
            return families.computeIfAbsent(family, f -> new FamilyParts(ImageNames.family(fleet, f, build.tag()),
                    SortedStringMap.copyOf(f.inheritedEnv()), f.probe(), packagesOf(f), imageHealthCheck(f)));
        }

        MachineParts machine(MachineProfile machine) {
            return machines.computeIfAbsent(machine, m -> {
                Map<String, String> document = SortedStringMap.copyOf(profileDocument(m));
                return new MachineParts(m, Optional.of(m.name()), m.env(), document, new HashMap<>());
            });
        }

        /** Machines reuse port numbers, so services on different machines often probe identically. */
        HealthCheckPlan healthCheck(Service service) {
            HealthKey key = new HealthKey(family(service.family()).probe(), service.healthPort(),
                    service.healthCheck());
            return healthChecks.computeIfAbsent(key,
                    k -> HealthCheckPlan.of(k.probe(), Port.of(k.port()), k.check()));
        }
    }

    /**
     * The base every service image of one family builds on, the env it inherits, its probe, its packages and the
     * health check its image carries.
     */
    record FamilyParts(ImageReference image, Map<String, String> env, HealthProbe probe,
            List<PackagedFamily> packages, Optional<ImageHealthCheck> imageHealthCheck) {
    }

    /** A machine's env, the profile document written into its images and the layer that holds it, per user. */
    record MachineParts(MachineProfile profile, Optional<String> name, Map<String, String> env,
            Map<String, String> document, Map<User, LayerPlan> profileLayers) {

        LayerPlan profileLayer(User user) {
            return profileLayers.computeIfAbsent(user,
                    u -> new LayerPlan.MachineProfile(profile.name(), document, u));
        }
    }

    private record HealthKey(HealthProbe probe, int port, HealthCheck check) {
    }
}
