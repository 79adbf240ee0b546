package dev.slipway.plan;

import dev.slipway.dsl.Family;
import dev.slipway.dsl.FileCopy;
import dev.slipway.dsl.MachineProfile;
import dev.slipway.dsl.Service;
import dev.slipway.model.HealthCheck;
import dev.slipway.validation.Fleet;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.SortedMap;
import java.util.TreeMap;

/** Turns a valid fleet into image plans: every family (parents first), then every service on every machine. */
public final class ImagePlanner {
    public static final String MACHINE_PROFILE_PATH = "/etc/machine-profile.json";
    public static final String APP_DIRECTORY = "/app";
    public static final String LABEL_PREFIX = "dev.slipway.";

    private ImagePlanner() {
    }

    public static List<ImagePlan> plan(Fleet fleet, BuildIdentity build) {
        List<ImagePlan> plans = new ArrayList<>();
        for (Family family : fleet.families()) {
            plans.add(familyPlan(fleet, family, build));
        }
        for (Service service : fleet.services()) {
            for (MachineProfile machine : service.machines()) {
                plans.add(servicePlan(fleet, service, machine, build));
            }
        }
        return List.copyOf(plans);
    }

    static ImagePlan familyPlan(Fleet fleet, Family family, BuildIdentity build) {
        String base = family.parent().map(p -> ImageNames.family(fleet, p, build.tag()))
                .orElseGet(() -> family.base().orElseThrow().toString());
        List<LayerPlan> layers = new ArrayList<>();
        // SPEC order: OS packages, then Python dependencies, then the family's own files.
        family.debian().ifPresent(debian -> layers.add(new LayerPlan("debian",
                "debian:" + debian.suite() + ": " + String.join(" ", debian.names()), "/")));
        family.wheelLock().ifPresent(lock -> layers.add(new LayerPlan("wheels", lock, "site-packages")));
        for (FileCopy copy : family.files()) {
            layers.add(new LayerPlan("files", copy.source(), copy.destination()));
        }
        SortedMap<String, String> labels = new TreeMap<>();
        labels.put("org.opencontainers.image.revision", build.revision());
        labels.put(LABEL_PREFIX + "fleet", fleet.name());
        labels.put(LABEL_PREFIX + "family", family.name());
        return new ImagePlan(ImagePlan.Kind.FAMILY, family.name(), Optional.empty(),
                ImageNames.family(fleet, family, build.tag()), base, layers, "", List.of(), List.of(), "",
                List.of(), family.inheritedEnv(), labels, Optional.empty(), new TreeMap<>());
    }

    static ImagePlan servicePlan(Fleet fleet, Service service, MachineProfile machine, BuildIdentity build) {
        List<LayerPlan> layers = new ArrayList<>();
        // Profile before application: the app changes most often, so it is the last, small layer.
        layers.add(new LayerPlan("machine-profile", "profile:" + machine.name(), MACHINE_PROFILE_PATH));
        service.app().ifPresent(dir -> layers.add(new LayerPlan("application", dir, APP_DIRECTORY)));

        Map<String, String> env = new TreeMap<>(service.family().inheritedEnv());
        env.putAll(machine.env());
        env.put("SERVICE_PORT", Integer.toString(service.servicePort()));
        env.put("HEALTH_PORT", Integer.toString(service.healthPort()));
        env.putAll(service.env());

        SortedMap<String, String> labels = new TreeMap<>();
        labels.put("org.opencontainers.image.revision", build.revision());
        labels.put("health_check_port", Integer.toString(service.healthPort()));
        labels.put(LABEL_PREFIX + "fleet", fleet.name());
        labels.put(LABEL_PREFIX + "service", service.name());
        labels.put(LABEL_PREFIX + "family", service.family().name());
        labels.put(LABEL_PREFIX + "machine", machine.name());

        HealthCheck check = service.healthCheck();
        HealthCheckPlan health = new HealthCheckPlan(
                service.family().probe().command(service.healthPort(), check.path()), service.healthPort(),
                check.path(), check.interval().toSeconds(), check.timeout().toSeconds(),
                check.startPeriod().toSeconds(), check.retries());

        return new ImagePlan(ImagePlan.Kind.SERVICE, service.name(), Optional.of(machine.name()),
                ImageNames.service(fleet, service, machine, build.tag()),
                ImageNames.family(fleet, service.family(), build.tag()), layers, service.user().numeric(),
                List.of(service.init().path(), "--"), service.command(),
                service.app().isPresent() ? APP_DIRECTORY : "/",
                List.of(service.servicePort(), service.healthPort()), env, labels, Optional.of(health),
                profileDocument(machine));
    }

    /** What {@code /etc/machine-profile.json} holds: the machine's identity and every value it sets as env. */
    static SortedMap<String, String> profileDocument(MachineProfile machine) {
        SortedMap<String, String> doc = new TreeMap<>(machine.env());
        doc.put("machine", machine.name());
        machine.gpuModel().ifPresent(model -> doc.put("gpu_model", model));
        doc.put("gpu_memory_mib", Long.toString(machine.gpuMemory().bytes() / (1024 * 1024)));
        return doc;
    }
}
