package dev.slipway.packages.python;

import java.util.List;

/** Every problem found with a wheel lock or its wheels, reported at once. */
public final class WheelProblems extends RuntimeException {

    private final transient List<String> problems;

    public WheelProblems(List<String> problems) {
        super(String.join("\n", problems));
        this.problems = List.copyOf(problems);
    }

    public List<String> problems() {
        return problems;
    }
}
