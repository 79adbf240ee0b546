package dev.slipway.rollout.secrets;

import dev.slipway.model.SecretUse;
import dev.slipway.plan.RuntimePlan;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * What one instance receives of the deploy-time secrets: files ({@code /run/secrets/NAME}), environment, and a keyed
 * digest (HMAC-SHA256 under the host's key) put in a label, so a rotated value recreates exactly the instances
 * that use it while the label tells nothing about the value.
 */
public record InstanceSecrets(Map<String, byte[]> files, Map<String, String> env, Optional<String> digest) {
    public static final InstanceSecrets NONE = new InstanceSecrets(Map.of(), Map.of(), Optional.empty());

    public InstanceSecrets {
        files = Map.copyOf(files);
        env = Map.copyOf(env);
    }

    /** @throws IllegalStateException when a value is missing (the runner refuses that before anything changes) */
    public static InstanceSecrets of(RuntimePlan runtime, SecretValues values, byte[] hostKey) {
        List<SecretUse> secrets = runtime.secrets();
        if (secrets.isEmpty()) {
            return NONE;
        }
        Map<String, byte[]> files = new TreeMap<>();
        Map<String, String> env = new TreeMap<>();
        Map<String, String> byName = new TreeMap<>();
        for (SecretUse secret : secrets) {
            String value = values.value(secret.name())
                    .orElseThrow(() -> new IllegalStateException("no value for secret " + secret.name()));
            byName.put(secret.name() + ":" + secret.delivery(), value);
            if (secret.delivery() == SecretUse.Delivery.FILE) {
                files.put(secret.path(), value.getBytes(StandardCharsets.UTF_8));
            } else {
                env.put(secret.name(), value);
            }
        }
        return new InstanceSecrets(files, env, Optional.of(digest(byName, hostKey)));
    }

    /**
     * The keyed digest of one secret's value, as {@link #of} computes it for an instance that receives only this
     * secret: what names a version of a Swarm secret, so a rotation changes the name and nothing tells the value.
     */
    public static String digest(SecretUse secret, String value, byte[] key) {
        return digest(Map.of(secret.name() + ":" + secret.delivery(), value), key);
    }

    static String digest(Map<String, String> sortedValues, byte[] key) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(key, "HmacSHA256"));
            for (Map.Entry<String, String> entry : sortedValues.entrySet()) {
                byte[] name = entry.getKey().getBytes(StandardCharsets.UTF_8);
                byte[] value = entry.getValue().getBytes(StandardCharsets.UTF_8);
                mac.update(lengthPrefix(name.length));
                mac.update(name);
                mac.update(lengthPrefix(value.length));
                mac.update(value);
            }
            return "hmac-sha256:" + HexFormat.of().formatHex(mac.doFinal(), 0, 16);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("HmacSHA256 is part of every JDK", e);
        }
    }

    private static byte[] lengthPrefix(int length) {
        return new byte[]{(byte) (length >>> 24), (byte) (length >>> 16), (byte) (length >>> 8), (byte) length};
    }

    @Override
    public String toString() {
        return "InstanceSecrets" + files.keySet() + env.keySet(); // names only
    }
}
