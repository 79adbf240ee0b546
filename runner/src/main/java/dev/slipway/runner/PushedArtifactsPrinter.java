package dev.slipway.runner;

import dev.slipway.images.BuildReport;
import dev.slipway.images.PushRecords;
import dev.slipway.images.RegistryCredentials;
import dev.slipway.images.SlipwayCache;
import dev.slipway.images.packages.PackagedBaseWriter;
import dev.slipway.images.supplychain.OciRegistry;
import dev.slipway.images.supplychain.PushedImageArtifacts;
import dev.slipway.images.supplychain.SigningKeys;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;

/** After a registry build: every image's SBOM (and, with --sign, its signature) pushed beside it, one line each. */
final class PushedArtifactsPrinter {
    /** Attaching mostly waits on the registry: more repositories at once than images are built. */
    private static final int ATTACHES_PER_BUILD = 4;

    private PushedArtifactsPrinter() {
    }

    static void attach(BuildReport report, PackagedBaseWriter packaged, Optional<SigningKeys.SigningKey> key,
            boolean insecure, int parallelism, SlipwayCache cache, PrintWriter out) {
        OciRegistry registry = new OciRegistry(RegistryCredentials.fromEnvironment(System.getenv()), insecure);
        long started = System.nanoTime();
        try {
            new PushedImageArtifacts(registry, new PushRecords(cache)).attach(report.images(),
                    plan -> packagedSbom(packaged.sbomPath(plan)),
                    key, parallelism * ATTACHES_PER_BUILD, attached -> {
                        out.printf("%s  sbom %s%s%n", attached.image().image(), attached.sbomTag(),
                                attached.signature().map(s -> (s.alreadySigned() ? ", already signed " : ", signed ")
                                        + s.signatureTag()).orElse(""));
                        out.flush();
                    });
        } catch (IOException e) {
            throw new UserError(java.util.List.of("the images were pushed, but attaching their SBOMs"
                    + (key.isPresent() ? " and signatures" : "") + " failed: " + e.getMessage(),
                    "run build again: pushed images are up to date and only what is missing is attached."));
        }
        out.printf("attached %d SBOMs%s in %.1f s%n", report.images().size(),
                key.map(k -> " and signed the images with the " + k).orElse(""), (System.nanoTime() - started) / 1e9);
    }

    private static Optional<byte[]> packagedSbom(Path file) {
        try {
            return Files.isRegularFile(file) ? Optional.of(Files.readAllBytes(file)) : Optional.empty();
        } catch (IOException e) {
            return Optional.empty();
        }
    }
}
