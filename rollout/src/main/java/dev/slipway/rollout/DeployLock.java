package dev.slipway.rollout;

import dev.slipway.rollout.engine.ContainerNames;
import dev.slipway.rollout.engine.DockerEngine;
import dev.slipway.rollout.engine.Labels;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The fleet's deploy lock, kept by each engine as a labelled volume {@code slipway-lock.<fleet>}: the engine
 * creates a volume name once and hands every later creator the existing one, so whoever finds its own token on it
 * holds the lock. Taken on every machine, or on none.
 */
public final class DeployLock implements AutoCloseable {
    private final String volume;
    private final LockHolder holder;
    private final List<DockerEngine> held;

    private DeployLock(String volume, LockHolder holder, List<DockerEngine> held) {
        this.volume = volume;
        this.holder = holder;
        this.held = held;
    }

    /**
     * Takes the lock on every engine. A lock whose holder ran on this machine and is gone is taken over; any other
     * is broken only with {@code breakLock}. Refused anywhere: what was taken is given back, and
     * {@link DeployLockRefused} names the holder.
     */
    public static DeployLock acquire(List<DockerEngine> engines, String fleet, LockHolder me, boolean breakLock,
            RolloutListener events) {
        String volume = ContainerNames.lockVolume(fleet);
        List<DockerEngine> held = new ArrayList<>();
        DeployLock lock = new DeployLock(volume, me, held);
        try {
            for (DockerEngine engine : engines) {
                takeOn(engine, volume, me, breakLock, events);
                held.add(engine);
                events.on(new RolloutEvent.LockTaken(engine.machine(), me.holder() + " (pid " + me.pid() + ")"));
            }
            return lock;
        } catch (RuntimeException e) {
            lock.close();
            throw e;
        }
    }

    private static void takeOn(DockerEngine engine, String volume, LockHolder me, boolean breakLock,
            RolloutListener events) {
        for (int attempt = 0; attempt < 2; attempt++) {
            Map<String, String> labels = engine.createVolumeIfAbsent(volume, me.labels());
            if (me.token().equals(labels.get(Labels.LOCK_TOKEN))) {
                return;
            }
            LockHolder other = LockHolder.fromLabels(labels);
            String why;
            if (breakLock) {
                why = "--break-lock";
            } else if (other.isDeadHereOn(me.host())) {
                why = "its process " + other.pid() + " on this machine is gone";
            } else {
                throw new DeployLockRefused(engine.machine(), other);
            }
            events.on(new RolloutEvent.LockBroken(engine.machine(), other.holder(), other.since(), why));
            engine.removeVolume(volume);
        }
        throw new DeployLockRefused(engine.machine(), LockHolder.fromLabels(
                engine.volumeLabels(volume).orElse(Map.of())));
    }

    /** Gives the lock back on every engine where this run still holds it. */
    @Override
    public void close() {
        for (DockerEngine engine : held) {
            try {
                Optional<Map<String, String>> labels = engine.volumeLabels(volume);
                if (labels.isPresent() && holder.token().equals(labels.get().get(Labels.LOCK_TOKEN))) {
                    engine.removeVolume(volume);
                }
            } catch (RuntimeException e) {
                // the next run finds a lock whose process is gone and takes it over
            }
        }
        held.clear();
    }
}
