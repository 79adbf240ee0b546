package dev.slipway.runner;

import java.util.List;

/** A failure the user can fix, shown as its lines and exit code 1; never with a stack trace. */
public final class UserError extends RuntimeException {
    private static final long serialVersionUID = 1L;
    private final List<String> lines;

    public UserError(String line) {
        this(List.of(line));
    }

    public UserError(List<String> lines) {
        super(String.join("\n", lines));
        this.lines = List.copyOf(lines);
    }

    public List<String> lines() {
        return lines;
    }

    /** The same error with one more line after its own, saying what it meant for the command around it. */
    public UserError followedBy(String line) {
        List<String> all = new java.util.ArrayList<>(lines);
        all.add(line);
        return new UserError(all);
    }
}
