package dev.slipway.render;

import java.util.List;

/** The plan cannot be rendered for this target; every problem, one line each, naming the instance and field. */
public final class RenderRefused extends RuntimeException {
    private static final long serialVersionUID = 1L;
    private final List<String> problems;

    public RenderRefused(List<String> problems) {
        super(String.join("\n", problems));
        this.problems = List.copyOf(problems);
    }

    public List<String> problems() {
        return problems;
    }
}
