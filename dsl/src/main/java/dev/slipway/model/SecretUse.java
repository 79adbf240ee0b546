package dev.slipway.model;

/**
 * A deploy-time secret a service receives by name; its value comes from the deploy environment, never the definition.
 * Delivered as the file {@code /run/secrets/NAME} (default) or, when asked, as an environment variable.
 */
public record SecretUse(String name, Delivery delivery) {
    public static final String DIRECTORY = "/run/secrets";

    public enum Delivery {
        FILE, ENV
    }

    public String path() {
        return DIRECTORY + "/" + name;
    }

    @Override
    public String toString() {
        return delivery == Delivery.FILE ? name + " (file " + path() + ")" : name + " (env)";
    }
}
