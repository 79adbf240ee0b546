package dev.slipway.rollout.engine;

/** The labels Slipway puts on the containers and records it creates: how live state is read back. */
public final class Labels {
    public static final String PREFIX = "dev.slipway.";
    public static final String FLEET = PREFIX + "fleet";
    public static final String SERVICE = PREFIX + "service";
    public static final String MACHINE = PREFIX + "machine";
    /** The image as named in the definition, {@code repo:tag}. */
    public static final String IMAGE = PREFIX + "image";
    /** The registry digest of that image, {@code sha256:...}: what "same image" means. */
    public static final String IMAGE_DIGEST = PREFIX + "image-digest";
    public static final String REVISION = PREFIX + "revision";
    public static final String PORTS = PREFIX + "ports";
    public static final String HEALTH_PORT = PREFIX + "health-port";
    /** A hash of every container setting Slipway chooses besides the image, so a changed setting is an update. */
    public static final String SETTINGS = PREFIX + "settings";

    public static final String LOCK_HOLDER = PREFIX + "lock.holder";
    public static final String LOCK_PID = PREFIX + "lock.pid";
    public static final String LOCK_SINCE = PREFIX + "lock.since";
    public static final String LOCK_TOKEN = PREFIX + "lock.token";

    private Labels() {
    }
}
