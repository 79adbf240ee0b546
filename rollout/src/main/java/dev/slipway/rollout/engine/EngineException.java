package dev.slipway.rollout.engine;

/** A Docker Engine call that failed, as one line naming the machine and what the engine said. */
public final class EngineException extends RuntimeException {
    private static final long serialVersionUID = 1L;
    private final String machine;

    public EngineException(String machine, String what, Throwable cause) {
        super(machine + ": " + what + ": " + describe(cause), cause);
        this.machine = machine;
    }

    public String machine() {
        return machine;
    }

    /** The innermost cause's message: the engine's own answer, or the socket error that kept us from it. */
    static String describe(Throwable e) {
        Throwable root = e;
        while (root.getCause() != null && root.getCause() != root) {
            root = root.getCause();
        }
        String message = root.getMessage() == null ? root.getClass().getSimpleName() : root.getMessage().strip();
        // docker-java puts the engine's JSON answer in the message: keep its text, on one line
        return message.replaceAll("^Status \\d+: ", "").replaceAll("\\{\"message\":\"(.*)\"\\}", "$1")
                .replace('\n', ' ').strip();
    }
}
