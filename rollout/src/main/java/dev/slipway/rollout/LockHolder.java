package dev.slipway.rollout;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import dev.slipway.rollout.engine.Labels;

/** Who holds a fleet's deploy lock: {@code user@host}, the process id, since when, and a token unique to the run. */
public record LockHolder(String user, String host, long pid, String since, String token) {

    public static LockHolder thisProcess() {
        return new LockHolder(System.getProperty("user.name", "unknown"), localHostName(),
                ProcessHandle.current().pid(), Instant.now().toString(), UUID.randomUUID().toString());
    }

    public String holder() {
        return user + "@" + host;
    }

    /** The lock's labels, wherever the lock is kept (an engine's volume, a swarm's secret). */
    public Map<String, String> labels() {
        return Map.of(Labels.LOCK_HOLDER, holder(), Labels.LOCK_PID, Long.toString(pid), Labels.LOCK_SINCE, since,
                Labels.LOCK_TOKEN, token);
    }

    public static LockHolder fromLabels(Map<String, String> labels) {
        String holder = labels.getOrDefault(Labels.LOCK_HOLDER, "unknown@unknown");
        int at = holder.indexOf('@');
        long pid;
        try {
            pid = Long.parseLong(labels.getOrDefault(Labels.LOCK_PID, "-1"));
        } catch (NumberFormatException e) {
            pid = -1;
        }
        return new LockHolder(at < 0 ? holder : holder.substring(0, at), at < 0 ? "" : holder.substring(at + 1), pid,
                labels.getOrDefault(Labels.LOCK_SINCE, "an unknown time"), labels.getOrDefault(Labels.LOCK_TOKEN, ""));
    }

    /** True when the holder ran on this machine and its process is gone: a lock left by a killed run. */
    public boolean isDeadHereOn(String localHost) {
        if (!host.equals(localHost) || pid <= 0) {
            return false;
        }
        Optional<ProcessHandle> process = ProcessHandle.of(pid);
        return process.isEmpty() || !process.get().isAlive();
    }

    static String localHostName() {
        try {
            return InetAddress.getLocalHost().getHostName();
        } catch (UnknownHostException e) {
            return Optional.ofNullable(System.getenv("HOSTNAME")).orElse("localhost");
        }
    }
}
