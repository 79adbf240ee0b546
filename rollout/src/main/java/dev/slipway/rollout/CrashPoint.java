package dev.slipway.rollout;

import dev.slipway.plan.InstanceId;

/**
 * Named instants of a cutover at which tests halt the whole process as {@code kill -9} would (no finally, no
 * shutdown hook), to prove that the next run converges from there. Armed only by the system property
 * {@value #PROPERTY} = {@code STEP} or {@code STEP:service@machine}; the only place that reads it.
 */
public enum CrashPoint {
    AFTER_RENAME, AFTER_CREATE, AFTER_STOP, AFTER_START, DURING_GATE, ROLLBACK_AFTER_REMOVE, ROLLBACK_AFTER_RENAME;

    public static final String PROPERTY = "slipway.test.halt-at";
    static final int KILLED = 137;

    /** Halts here if the property names this step (and this instance, when it names one). */
    void reached(InstanceId instance) {
        String armed = System.getProperty(PROPERTY);
        if (armed == null) {
            return;
        }
        String step = name().toLowerCase(java.util.Locale.ROOT).replace('_', '-');
        if (armed.equals(step) || armed.equals(step + ":" + instance)) {
            System.out.println("halting at " + step + " of " + instance);
            System.out.flush();
            Runtime.getRuntime().halt(KILLED);
        }
    }
}
