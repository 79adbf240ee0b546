package dev.slipway.rollout.engine;

/** The one place container names are made: {@code <fleet>.<service>}, and the kept old one during a cutover. */
public final class ContainerNames {
    public static final String PREVIOUS_SUFFIX = "-previous";

    private ContainerNames() {
    }

    public static String of(String fleet, String service) {
        return fleet + "." + service;
    }

    public static String previous(String name) {
        return name + PREVIOUS_SUFFIX;
    }

    public static boolean isPrevious(String name) {
        return name.endsWith(PREVIOUS_SUFFIX);
    }

    public static String current(String previousName) {
        return previousName.substring(0, previousName.length() - PREVIOUS_SUFFIX.length());
    }

    public static String lockVolume(String fleet) {
        return "slipway-lock." + fleet;
    }
}
