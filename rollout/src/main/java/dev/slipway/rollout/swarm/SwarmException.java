package dev.slipway.rollout.swarm;

/** The swarm manager could not be reached or refused a call; the message names it and what was asked. */
public class SwarmException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    public SwarmException(String message, Throwable cause) {
        super(message, cause);
    }

    public SwarmException(String message) {
        super(message);
    }
}
