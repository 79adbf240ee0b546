package dev.slipway.validation;

import java.util.List;
import java.util.stream.Collectors;

/** Thrown by {@link Compilation#orThrow()} when a definition has problems; carries all of them. */
public final class InvalidFleetException extends RuntimeException {
    private static final long serialVersionUID = 1L;
    private final transient List<Problem> problems;

    public InvalidFleetException(List<Problem> problems) {
        super(problems.size() + " problem(s) in the fleet definition:\n"
                + problems.stream().map(Problem::toString).collect(Collectors.joining("\n")));
        this.problems = List.copyOf(problems);
    }

    public List<Problem> problems() {
        return problems;
    }
}
