package dev.slipway.model;

/** A TCP port a service binds. Only unprivileged ports are allowed: services never run as root. */
public record Port(int number) implements Comparable<Port> {
    public static final int LOWEST = 1024;
    public static final int HIGHEST = 65535;

    public Port {
        if (!isValid(number)) {
            throw new IllegalArgumentException("port " + number + " is outside " + LOWEST + "-" + HIGHEST);
        }
    }

    public static Port of(int number) {
        return new Port(number);
    }

    public static boolean isValid(int number) {
        return number >= LOWEST && number <= HIGHEST;
    }

    @Override
    public int compareTo(Port other) {
        return Integer.compare(number, other.number);
    }

    @Override
    public String toString() {
        return Integer.toString(number);
    }
}
