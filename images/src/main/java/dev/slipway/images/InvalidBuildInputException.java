package dev.slipway.images;

import java.util.List;

/** Thrown before any image work when local inputs are missing; carries every problem found, sorted. */
public final class InvalidBuildInputException extends RuntimeException {
    private static final long serialVersionUID = 1L;
    private final transient List<InputProblem> problems;

    public InvalidBuildInputException(List<InputProblem> problems) {
        super(problems.size() + " input problem(s): " + problems);
        this.problems = List.copyOf(problems);
    }

    public List<InputProblem> problems() {
        return problems;
    }
}
