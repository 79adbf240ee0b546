package dev.slipway.rollout;

/** Another run holds the fleet's deploy lock on a machine; nothing was changed. */
public final class DeployLockRefused extends RuntimeException {
    private static final long serialVersionUID = 1L;
    private final String machine;
    private final transient LockHolder holder;

    /** {@code machine}: where the lock is kept (a machine's engine, or the swarm). */
    public DeployLockRefused(String machine, LockHolder holder) {
        super(machine + ": the deploy lock is held by " + holder.holder() + " (pid " + holder.pid() + ") since "
                + holder.since() + "; wait for that run, or pass --break-lock if it was killed");
        this.machine = machine;
        this.holder = holder;
    }

    public String machine() {
        return machine;
    }

    public LockHolder holder() {
        return holder;
    }
}
