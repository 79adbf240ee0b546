package dev.slipway.plan;

import java.util.Objects;

/**
 * One service on one machine, written {@code service@machine}: the key by which plans, live containers, audit
 * lines and the CLI name an instance. The only place that string is made or split.
 */
public record InstanceId(String service, String machine) implements Comparable<InstanceId> {
    public static final char SEPARATOR = '@';

    public InstanceId {
        Objects.requireNonNull(service, "service");
        Objects.requireNonNull(machine, "machine");
        if (service.isEmpty() || machine.isEmpty() || service.indexOf(SEPARATOR) >= 0
                || machine.indexOf(SEPARATOR) >= 0) {
            throw new IllegalArgumentException("'" + service + SEPARATOR + machine
                    + "' is not an instance; expected SERVICE@MACHINE");
        }
    }

    /** {@code service@machine}; an {@link IllegalArgumentException} saying what was expected otherwise. */
    public static InstanceId parse(String text) {
        int at = text.indexOf(SEPARATOR);
        if (at <= 0 || at == text.length() - 1 || text.indexOf(SEPARATOR, at + 1) >= 0) {
            throw new IllegalArgumentException("'" + text + "' is not an instance; expected SERVICE@MACHINE");
        }
        return new InstanceId(text.substring(0, at), text.substring(at + 1));
    }

    @Override
    public int compareTo(InstanceId other) {
        int byService = service.compareTo(other.service);
        return byService != 0 ? byService : machine.compareTo(other.machine);
    }

    @Override
    public String toString() {
        return service + SEPARATOR + machine;
    }
}
