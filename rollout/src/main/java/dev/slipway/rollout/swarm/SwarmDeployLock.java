package dev.slipway.rollout.swarm;

import com.github.dockerjava.api.model.Secret;
import dev.slipway.rollout.DeployLockRefused;
import dev.slipway.rollout.LockHolder;
import dev.slipway.rollout.engine.ContainerNames;
import dev.slipway.rollout.engine.Labels;
import java.util.Map;
import java.util.Optional;
import java.util.function.Consumer;

/**
 * The fleet's deploy lock on a swarm, as the Docker hosts keep theirs: a Swarm secret {@code slipway-lock.<fleet>}
 * labelled with its holder. The manager creates a name once and refuses every later creator (Raft decides), so the
 * run whose create succeeds holds the lock. Broken as on the hosts: a holder that ran on this machine and is gone is
 * taken over, any other only with {@code --break-lock}.
 */
public final class SwarmDeployLock implements AutoCloseable {
    /** How {@link DeployLockRefused} names where the lock is kept. */
    public static final String WHERE = "the swarm";

    private final SwarmManager manager;
    private final String name;
    private final LockHolder holder;
    private boolean held;

    private SwarmDeployLock(SwarmManager manager, String name, LockHolder holder) {
        this.manager = manager;
        this.name = name;
        this.holder = holder;
    }

    /** @throws DeployLockRefused naming the holder when another run holds it; nothing was changed then */
    public static SwarmDeployLock acquire(SwarmManager manager, String fleet, LockHolder me, boolean breakLock,
            Consumer<String> progress) {
        SwarmDeployLock lock = new SwarmDeployLock(manager, ContainerNames.lockVolume(fleet), me);
        for (int attempt = 0; attempt < 2; attempt++) {
            // the value is the token: Swarm wants data, and the labels already say who holds it
            if (manager.createSecret(lock.name, me.token(), me.labels()).isPresent()) {
                lock.held = true;
                progress.accept("deploy lock taken on " + WHERE + " by " + me.holder() + " (pid " + me.pid() + ")");
                return lock;
            }
            Optional<Secret> existing = manager.secret(lock.name);
            if (existing.isEmpty()) {
                continue; // given back in between
            }
            LockHolder other = LockHolder.fromLabels(labels(existing.get()));
            String why;
            if (breakLock) {
                why = "--break-lock";
            } else if (other.isDeadHereOn(me.host())) {
                why = "its process " + other.pid() + " on this machine is gone";
            } else {
                throw new DeployLockRefused(WHERE, other);
            }
            progress.accept("deploy lock of " + other.holder() + " (since " + other.since() + ") broken on " + WHERE
                    + ": " + why);
            manager.removeSecret(existing.get().getId());
        }
        throw new DeployLockRefused(WHERE, manager.secret(lock.name).map(s -> LockHolder.fromLabels(labels(s)))
                .orElse(LockHolder.fromLabels(Map.of())));
    }

    /** Gives the lock back when this run still holds it. */
    @Override
    public void close() {
        if (!held) {
            return;
        }
        held = false;
        try {
            manager.secret(name).filter(s -> holder.token().equals(labels(s).get(Labels.LOCK_TOKEN)))
                    .ifPresent(s -> manager.removeSecret(s.getId()));
        } catch (RuntimeException e) {
            // the next run finds a lock whose process is gone and takes it over
        }
    }

    private static Map<String, String> labels(Secret secret) {
        return secret.getSpec() == null || secret.getSpec().getLabels() == null
                ? Map.of()
                : secret.getSpec().getLabels();
    }
}
