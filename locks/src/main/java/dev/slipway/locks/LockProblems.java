package dev.slipway.locks;

import java.util.List;

/** Every problem found while locking a fleet's wheels, each naming its family, reported at once. */
public final class LockProblems extends RuntimeException {
    private static final long serialVersionUID = 1L;

    private final transient List<String> problems;

    public LockProblems(List<String> problems) {
        super(String.join("\n", problems));
        this.problems = List.copyOf(problems);
    }

    public List<String> problems() {
        return problems;
    }
}
