package dev.slipway.rollout.swarm;

import java.util.List;

/** A plan the swarm cannot run as asked, refused before any change: one line per instance and problem. */
public final class SwarmRefused extends SwarmException {
    private static final long serialVersionUID = 1L;
    private final List<String> problems;

    public SwarmRefused(List<String> problems) {
        super(String.join("\n", problems));
        this.problems = List.copyOf(problems);
    }

    public List<String> problems() {
        return problems;
    }
}
