package dev.slipway.rollout.secrets;

import dev.slipway.rollout.engine.DockerEngine;
import java.security.SecureRandom;
import java.util.HexFormat;
import java.util.Map;

/**
 * The per-host key of the secrets digest, kept on the engine host itself as a label of the volume
 * {@value #VOLUME}: made once by whichever run comes first (the engine creates a volume name once), the same for
 * every operator after. It guards digests in labels and audit lines against guessing; whoever can read it can read
 * the secret files on that host anyway.
 */
public final class HostSecretKey {
    public static final String VOLUME = "slipway-secret-key";
    static final String LABEL = "dev.slipway.secret-key";

    private HostSecretKey() {
    }

    public static byte[] of(DockerEngine engine) {
        byte[] fresh = new byte[32];
        new SecureRandom().nextBytes(fresh);
        Map<String, String> labels = engine.createVolumeIfAbsent(VOLUME,
                Map.of(LABEL, HexFormat.of().formatHex(fresh)));
        String key = labels.get(LABEL);
        if (key == null || !key.matches("[0-9a-f]{64}")) {
            throw new IllegalStateException(
                    "volume " + VOLUME + " on " + engine.machine() + " has no secret key label; "
                            + "remove the volume (docker volume rm " + VOLUME + ") and apply again");
        }
        return HexFormat.of().parseHex(key);
    }
}
