package dev.slipway.runner;

import dev.slipway.images.BuildTarget;
import dev.slipway.images.supplychain.SigningKeys;
import dev.slipway.model.ImageReference;
import dev.slipway.packages.layer.LayerCompression;
import java.nio.file.Path;
import java.util.Optional;
import java.util.regex.Pattern;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * How {@code build} and {@code apply} build: where images go, plain HTTP, parallelism, package sources, the key
 * pushed images are signed with, how packaged layers are compressed.
 */
final class BuildOptions {
    static final Path DEFAULT_OUT = Path.of("target", "slipway");
    private static final Pattern LOOPBACK = Pattern.compile("(localhost|127(\\.[0-9]{1,3}){3}|\\[::1\\])(:[0-9]+)?");

    @Option(names = "--out", paramLabel = "DIR", description = "Write image tarballs and images.json here instead of pushing. Default (without "
            + "--registry and without hosts): target/slipway.")
    Path out;

    @Option(names = "--insecure", description = "Allow plain HTTP to --registry; only for a registry on loopback.")
    boolean insecure;

    @Option(names = "--parallel", paramLabel = "N", description = "Images built at once. Default: the number of processors.")
    Integer parallel;

    // on both build and apply: apply builds exactly as build does, so `apply --sign K --require-signed P` works
    @Option(names = "--sign", paramLabel = "KEY", description = "Sign each pushed manifest digest in cosign's key-based format (sha256-<digest>.sig); "
            + "only when images are pushed. KEY: an ECDSA P-256 private key in PEM (openssl ecparam -name "
            + "prime256v1 -genkey, or PKCS#8), a file or env://VARIABLE; never printed.")
    String sign;

    @Option(names = "--compression", paramLabel = "gzip|zstd", description = "How the layers Slipway writes itself (a "
            + "family's Debian packages and wheels) are compressed when images are pushed: gzip (the default; every "
            + "engine pulls it) or zstd (several times faster to write, and smaller; every host needs Docker Engine "
            + "23 or newer, which apply checks before any change). Tarballs (--out) are always gzip.")
    String compression;

    @Mixin
    PackageSourceOptions packageSources;

    private Optional<SigningKeys.SigningKey> signingKey;

    /** Tarballs in --out (default target/slipway) or a push to {@code registry}; conflicting options refused. */
    BuildTarget target(Optional<String> registry) {
        if (registry.isPresent() && out != null) {
            throw new UserError("--out and --registry exclude each other: write tarballs or push, not both");
        }
        if (registry.isEmpty()) {
            if (insecure) {
                throw new UserError("--insecure only applies to --registry");
            }
            return BuildTarget.tarballs(out == null ? DEFAULT_OUT : out);
        }
        String host = ImageReference.parse(registry.get()).registry();
        if (insecure && !LOOPBACK.matcher(host).matches()) {
            throw new UserError("--insecure: " + host + " is not a loopback address; plain HTTP is only allowed "
                    + "to a registry on this machine (localhost, 127.x.x.x, [::1])");
        }
        return BuildTarget.registry(insecure);
    }

    /** The --compression of the packaged layers; zstd only where images are pushed. */
    LayerCompression compression(BuildTarget target) {
        if (compression == null) {
            return LayerCompression.GZIP;
        }
        LayerCompression parsed;
        try {
            parsed = LayerCompression.parse(compression);
        } catch (IllegalArgumentException e) {
            throw new UserError("--compression: " + e.getMessage());
        }
        if (parsed == LayerCompression.ZSTD && target instanceof BuildTarget.Tarballs tarballs) {
            throw new UserError("--compression zstd: only for pushed images (build --registry, or apply to hosts or a "
                    + "swarm); the tarballs this run writes to " + tarballs.directory() + " are for docker load, "
                    + "which takes gzip layers only");
        }
        return parsed;
    }

    int parallelism() {
        int parallelism = parallel == null ? Runtime.getRuntime().availableProcessors() : parallel;
        if (parallelism < 1) {
            throw new UserError("--parallel: " + parallelism + " is not positive; expected 1 or more");
        }
        return parallelism;
    }

    /** The --sign key, read once and before any work so a bad key costs nothing; only when images are pushed. */
    Optional<SigningKeys.SigningKey> signingKey(BuildTarget target) {
        if (sign == null) {
            return Optional.empty();
        }
        if (target instanceof BuildTarget.Tarballs tarballs) {
            throw new UserError("--sign signs pushed images, and this run pushes none (it writes tarballs to "
                    + tarballs.directory() + "); images are pushed by build --registry and by apply to hosts");
        }
        if (signingKey == null) {
            try {
                signingKey = Optional.of(SigningKeys.privateKey(sign, System.getenv()));
            } catch (SigningKeys.KeyProblem e) {
                throw new UserError("--sign: " + e.getMessage());
            }
        }
        return signingKey;
    }
}
