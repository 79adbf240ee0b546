package dev.slipway.rollout.swarm;

import com.github.dockerjava.api.model.Secret;
import dev.slipway.plan.ImagePlanner;
import dev.slipway.model.SecretUse;
import dev.slipway.plan.FleetPlan;
import dev.slipway.plan.InstancePlan;
import dev.slipway.rollout.secrets.InstanceSecrets;
import dev.slipway.rollout.secrets.SecretValues;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;

/**
 * A plan's deploy-time secrets as Swarm secrets, from the same {@link SecretValues} as the Docker hosts: one secret
 * object per secret and value, named {@code <fleet>_<NAME>_<keyed digest>} (HMAC-SHA256 under the swarm's key, never
 * a plain hash of the value). A rotated value is a new name, so exactly the services that use it get a new spec and
 * Swarm rolls them; the others keep theirs. The key lives in the swarm itself, as the label {@value #KEY_LABEL} of
 * the secret {@value #KEY_SECRET} (made once by whichever run comes first): whoever can read it can create a service
 * that reads every secret anyway.
 */
public final class SwarmSecrets {
    public static final String KEY_SECRET = "slipway-secret-key";
    static final String KEY_LABEL = ImagePlanner.LABEL_PREFIX + "secret-key";
    static final String SECRET = ImagePlanner.LABEL_PREFIX + "secret";
    static final String DIGEST = ImagePlanner.LABEL_PREFIX + "secret-digest";
    /** Swarm's longest object name. */
    static final int MAX_NAME = 64;
    private static final int DIGEST_HEX = 16;

    private SwarmSecrets() {
    }

    /** The versioned name of a secret whose keyed digest is {@code digest} ({@code hmac-sha256:<hex>}). */
    static String name(String fleet, String secret, String digest) {
        String hex = digest.substring(digest.indexOf(':') + 1);
        return fleet + "_" + secret + "_" + hex.substring(0, DIGEST_HEX);
    }

    /** How long the versioned name of {@code secret} is, whatever its value. */
    static int nameLength(String fleet, String secret) {
        return fleet.length() + secret.length() + 2 + DIGEST_HEX;
    }

    /**
     * Each secret the plan's instances use, as its version for the current value: created when the swarm lacks it.
     * Values are checked complete by the caller beforehand.
     */
    public static Map<String, SwarmSecret> ensure(SwarmManager manager, FleetPlan plan, SecretValues values) {
        Map<String, SecretUse> used = new TreeMap<>();
        for (InstancePlan instance : plan.instances()) {
            instance.runtime().secrets().forEach(s -> used.putIfAbsent(s.name(), s));
        }
        if (used.isEmpty()) {
            return Map.of();
        }
        byte[] key = key(manager);
        Map<String, String> existing = new TreeMap<>();
        manager.secrets(SwarmServiceSpecs.FLEET, plan.fleet())
                .forEach(s -> existing.put(s.getSpec().getName(), s.getId()));
        Map<String, SwarmSecret> versions = new TreeMap<>();
        for (SecretUse secret : used.values()) {
            String value = values.value(secret.name())
                    .orElseThrow(() -> new IllegalStateException("no value for secret " + secret.name()));
            String digest = InstanceSecrets.digest(secret, value, key);
            String name = name(plan.fleet(), secret.name(), digest);
            String id = existing.get(name);
            if (id == null) {
                id = manager.createSecret(name, value, Map.of(SwarmServiceSpecs.FLEET, plan.fleet(), SECRET,
                        secret.name(), DIGEST, digest)).orElseGet(() -> idOf(manager, plan.fleet(), name));
            }
            versions.put(secret.name(), new SwarmSecret(name, id));
        }
        return versions;
    }

    /**
     * Removes the fleet's secret versions that no service refers to, in its spec or in the spec a rollback returns
     * to; returns their names. Swarm itself refuses to remove one a service uses.
     */
    public static List<String> prune(SwarmManager manager, String fleet) {
        Set<String> inUse = new HashSet<>(manager.secretsInUse(fleet));
        List<String> removed = new ArrayList<>();
        for (Secret secret : manager.secrets(SwarmServiceSpecs.FLEET, fleet)) {
            Map<String, String> labels = secret.getSpec().getLabels();
            if (labels != null && labels.containsKey(SECRET) && !inUse.contains(secret.getId())
                    && manager.removeSecret(secret.getId())) {
                removed.add(secret.getSpec().getName());
            }
        }
        return removed;
    }

    private static String idOf(SwarmManager manager, String fleet, String name) {
        return manager.secrets(SwarmServiceSpecs.FLEET, fleet).stream()
                .filter(s -> name.equals(s.getSpec().getName())).map(Secret::getId).findFirst()
                .orElseThrow(() -> new SwarmException("secret " + name + " exists but is not labelled "
                        + SwarmServiceSpecs.FLEET + "=" + fleet + "; remove it (docker secret rm " + name + ")"));
    }

    /** The swarm's key for secret digests, made once. */
    static byte[] key(SwarmManager manager) {
        Optional<Secret> existing = keySecret(manager);
        if (existing.isEmpty()) {
            byte[] fresh = new byte[32];
            new SecureRandom().nextBytes(fresh);
            manager.createSecret(KEY_SECRET, "Slipway's key for secret digests is this secret's label " + KEY_LABEL,
                    Map.of(KEY_LABEL, HexFormat.of().formatHex(fresh)));
            existing = keySecret(manager); // ours, or the one a concurrent run made first
        }
        String key = existing.map(s -> s.getSpec().getLabels()).map(l -> l.get(KEY_LABEL)).orElse(null);
        if (key == null || !key.matches("[0-9a-f]{64}")) {
            throw new SwarmException("secret " + KEY_SECRET + " has no key label " + KEY_LABEL + "; remove it "
                    + "(docker secret rm " + KEY_SECRET + ") and apply again");
        }
        return HexFormat.of().parseHex(key);
    }

    private static Optional<Secret> keySecret(SwarmManager manager) {
        return manager.secret(KEY_SECRET);
    }
}
