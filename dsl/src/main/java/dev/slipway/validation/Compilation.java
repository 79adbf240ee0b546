package dev.slipway.validation;

import java.util.List;
import java.util.Optional;

/** The outcome of compiling a declared fleet: a valid {@link Fleet}, or every problem found. */
public record Compilation(Optional<Fleet> fleet, List<Problem> problems) {

    public Compilation {
        problems = List.copyOf(problems);
    }

    public boolean isValid() {
        return problems.isEmpty();
    }

    public Fleet orThrow() {
        return fleet.orElseThrow(() -> new InvalidFleetException(problems));
    }
}
