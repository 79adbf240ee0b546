package dev.slipway.rollout.engine;

import dev.slipway.model.Port;
import dev.slipway.plan.ImagePlanner;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.stream.Collectors;

/** The labels Slipway puts on the containers and records it creates: how live state is read back. */
public final class Labels {
    public static final String PREFIX = ImagePlanner.LABEL_PREFIX;
    public static final String FLEET = ImagePlanner.FLEET_LABEL;
    public static final String SERVICE = ImagePlanner.SERVICE_LABEL;
    public static final String MACHINE = ImagePlanner.MACHINE_LABEL;
    /** The image as named in the definition, {@code repo:tag}. */
    public static final String IMAGE = ImagePlanner.INSTANCE_IMAGE_LABEL;
    /** The registry digest of that image, {@code sha256:...}: what "same image" means. */
    public static final String IMAGE_DIGEST = PREFIX + "image-digest";
    public static final String REVISION = ImagePlanner.INSTANCE_REVISION_LABEL;
    /** The revision every Slipway image carries (SPEC), read from a pulled image. */
    public static final String IMAGE_REVISION = ImagePlanner.REVISION_LABEL;
    /** Every port the instance binds, {@code 5560,6560}: written by {@link #ports(List)}, read by {@link #ports(String)}. */
    public static final String PORTS = PREFIX + "ports";
    /** The health check's port: the image's own label (SPEC), also put on the container. */
    public static final String HEALTH_PORT = ImagePlanner.HEALTH_PORT_LABEL;
    /** What containers made by Slipway before the plan contract carried instead of {@link #HEALTH_PORT}. */
    static final String LEGACY_HEALTH_PORT = PREFIX + "health-port";
    public static final String HEALTH_PATH = PREFIX + "health-path";
    /** A hash of every container setting Slipway chooses besides the image, so a changed setting is an update. */
    public static final String SETTINGS = PREFIX + "settings";
    /** The keyed digest (never the values) of the secrets the instance received, so a rotation is an update. */
    public static final String SECRETS_DIGEST = PREFIX + "secrets-digest";

    public static final String LOCK_HOLDER = PREFIX + "lock.holder";
    public static final String LOCK_PID = PREFIX + "lock.pid";
    public static final String LOCK_SINCE = PREFIX + "lock.since";
    public static final String LOCK_TOKEN = PREFIX + "lock.token";

    private Labels() {
    }

    public static String ports(List<Port> ports) {
        return ports.stream().map(Port::toString).collect(Collectors.joining(","));
    }

    /** The ports a label lists; entries that are not ports (a label edited by hand) are left out. */
    public static List<Port> ports(String text) {
        List<Port> ports = new ArrayList<>();
        if (text == null) {
            return ports;
        }
        for (String entry : text.split(",")) {
            port(entry).ifPresent(ports::add);
        }
        return List.copyOf(ports);
    }

    public static Optional<Port> port(String text) {
        if (text == null || !text.strip().matches("[0-9]{1,5}")) {
            return Optional.empty();
        }
        int number = Integer.parseInt(text.strip());
        return Port.isValid(number) ? Optional.of(Port.of(number)) : Optional.empty();
    }
}
