package dev.slipway.model;

import java.util.Objects;

/** The user a container process runs as. SPEC: every service runs as appuser 10001:10001. */
public record User(int uid, int gid, String name) {
    public static final User APPUSER = new User(10001, 10001, "appuser");
    public static final User ROOT = new User(0, 0, "root");

    public User {
        Objects.requireNonNull(name, "name");
    }

    public boolean isRoot() {
        return uid == 0 || gid == 0;
    }

    /** Where its {@code HOME} is: {@code /root}, or {@code /home/NAME} as Debian's adduser makes it. */
    public String home() {
        return uid == 0 ? "/root" : "/home/" + name;
    }

    /** The form Docker and OCI configs take: {@code uid:gid}. */
    public String numeric() {
        return uid + ":" + gid;
    }

    @Override
    public String toString() {
        return name + " (" + numeric() + ")";
    }
}
