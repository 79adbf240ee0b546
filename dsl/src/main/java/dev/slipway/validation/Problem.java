package dev.slipway.validation;

/**
 * One thing wrong with a fleet definition, said so a person can fix it:
 * {@code service 'x' ports: 5560 is already used on mainpc by 'y'}.
 */
public record Problem(String kind, String subject, String field, String message) implements Comparable<Problem> {

    public static Problem service(String name, String field, String message) {
        return new Problem("service", name, field, message);
    }

    public static Problem family(String name, String field, String message) {
        return new Problem("family", name, field, message);
    }

    public static Problem machine(String name, String field, String message) {
        return new Problem("machine", name, field, message);
    }

    public static Problem fleet(String name, String field, String message) {
        return new Problem("fleet", name, field, message);
    }

    @Override
    public int compareTo(Problem other) {
        return toString().compareTo(other.toString());
    }

    @Override
    public String toString() {
        return kind + " '" + subject + "' " + field + ": " + message;
    }
}
