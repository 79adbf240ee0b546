package dev.slipway.dsl;

/** What runs as PID 1. SPEC: tini, which reaps zombies and forwards signals. */
public enum Init {
    TINI("/usr/bin/tini"),
    /** The service's own command is PID 1; refused by validation, kept so a definition can say it and be told no. */
    NONE("");

    private final String path;

    Init(String path) {
        this.path = path;
    }

    public String path() {
        return path;
    }
}
