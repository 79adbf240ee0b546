package dev.slipway.images.steps;

import com.fasterxml.jackson.databind.JsonNode;
import com.google.cloud.tools.jib.api.ImageReference;
import com.google.cloud.tools.jib.api.InvalidImageReferenceException;
import dev.slipway.dsl.Base;
import dev.slipway.dsl.Init;
import dev.slipway.images.AtomicFiles;
import dev.slipway.images.InputProblem;
import dev.slipway.images.RegistryCredentials;
import dev.slipway.images.supplychain.OciRegistry;
import dev.slipway.plan.ImagePlan;
import dev.slipway.plan.LayerPlan;
import java.io.IOException;
import java.net.ConnectException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import javax.net.ssl.SSLException;

/**
 * SPEC: every service runs {@code /usr/bin/tini} as PID 1. A lineage Slipway assembles from Debian packages has it
 * from Debian's tini package; a family on a registry base (where validation allows no Debian packages) has it only
 * if the base has it or the family copies it there. Before any image work, this reads each such base's layers from
 * its registry (streamed, top layer first, honouring whiteouts) and refuses every root family on a base without
 * tini that does not copy it: one problem per family, all at once. A copy in a child family does not count, since
 * the root family's image (and services on it) would still lack tini. The linux/amd64 image of a multi-platform
 * base is the one read (SPEC's platform). What a digest holds never changes, so each answer is kept in the cache.
 */
public final class BaseTiniCheck {
    static final String TINI = Init.TINI.path();
    private static final String PRESENT = "present";
    private static final String ABSENT = "absent";

    private final RegistryCredentials credentials;
    private final boolean insecure;

    /** {@code insecure}: as Jib does for such a build, try HTTPS first and fall back to plain HTTP. */
    public BaseTiniCheck(RegistryCredentials credentials, boolean insecure) {
        this.credentials = credentials;
        this.insecure = insecure;
    }

    /** One problem per root family on a registry base without {@code /usr/bin/tini} (or whose base cannot be read). */
    public List<InputProblem> check(List<ImagePlan> plans, StepContext context) {
        List<InputProblem> problems = new ArrayList<>();
        Map<String, Optional<String>> problemOfBase = new HashMap<>();
        for (ImagePlan plan : plans) {
            if (plan.kind() == ImagePlan.Kind.FAMILY
                    && plan.rootBase().orElse(null) instanceof Base.RegistryImage registry
                    && !copiesTini(plan, context)) {
                problemOfBase.computeIfAbsent(registry.reference().text(), base -> problemOf(registry, context))
                        .ifPresent(problem -> problems.add(new InputProblem(plan.subject(),
                                registry.reference().text(), problem)));
            }
        }
        return problems;
    }

    /** What is wrong with a base for a family that does not copy tini itself; empty when the base has tini. */
    private Optional<String> problemOf(Base.RegistryImage base, StepContext context) {
        try {
            return hasTini(base, context)
                    ? Optional.empty()
                    : Optional.of("has no " + TINI + ", which every service runs as PID 1: copy a static tini there"
                            + " on this family (.files(\"bin/tini-static\", \"" + TINI + "\"), e.g. from Debian's"
                            + " tini package) or start from a base that has it");
        } catch (IOException | InvalidImageReferenceException e) {
            return Optional.of("cannot be read to look for " + TINI + ": "
                    + FailureMessages.describe(e, base.reference().registry(), credentials));
        }
    }

    /** Whether the family's own file copies put a file at {@code /usr/bin/tini}. */
    static boolean copiesTini(ImagePlan plan, StepContext context) {
        for (LayerPlan layer : plan.layers()) {
            if (!(layer instanceof LayerPlan.FileCopy copy)) {
                continue;
            }
            String destination = copy.destination().replaceAll("/+$", "");
            if (destination.equals(TINI)) {
                return true;
            }
            String folder = destination + "/";
            if (TINI.startsWith(folder)
                    && Files.isRegularFile(context.resolve(copy.source()).resolve(TINI.substring(folder.length())))) {
                return true;
            }
        }
        return false;
    }

    private boolean hasTini(Base.RegistryImage base, StepContext context)
            throws IOException, InvalidImageReferenceException {
        String digest = base.reference().digest().orElseThrow(() -> new IllegalStateException(
                base + " is not pinned; validation lets only pinned registry bases through"));
        Path verdict = context.cache().baseTini().resolve(digest.replace(':', '-'));
        if (Files.isRegularFile(verdict)) {
            String cached = Files.readString(verdict, StandardCharsets.UTF_8).strip();
            if (cached.equals(PRESENT) || cached.equals(ABSENT)) {
                return cached.equals(PRESENT);
            }
        }
        ImageReference image = ImageReference.parse(base.reference().text());
        boolean found;
        try {
            found = hasTini(new OciRegistry(credentials, false), image, digest);
        } catch (IOException e) {
            if (!insecure || !speaksNoTls(e)) {
                throw e;
            }
            found = hasTini(new OciRegistry(credentials, true), image, digest);
        }
        remember(verdict, found ? PRESENT : ABSENT);
        return found;
    }

    private static boolean hasTini(OciRegistry registry, ImageReference image, String digest) throws IOException {
        JsonNode manifest = registry.manifest(image, digest)
                .orElseThrow(() -> new IOException(OciRegistry.repository(image) + " has no manifest " + digest))
                .json();
        if (manifest.has("manifests")) {
            String platformDigest = amd64(manifest).orElseThrow(() -> new IOException(
                    OciRegistry.repository(image) + "@" + digest + " has no linux/amd64 image"));
            manifest = registry.manifest(image, platformDigest)
                    .orElseThrow(() -> new IOException(OciRegistry.repository(image) + " has no manifest "
                            + platformDigest))
                    .json();
        }
        JsonNode layers = manifest.path("layers");
        if (!layers.isArray()) {
            throw new IOException(OciRegistry.repository(image) + "@" + digest
                    + " is not an image manifest (OCI or Docker schema 2)");
        }
        List<MergedLayers.Layer> topDown = new ArrayList<>();
        for (int i = layers.size() - 1; i >= 0; i--) {
            String layer = layers.get(i).path("digest").asText();
            topDown.add(() -> registry.openBlob(image, layer).orElseThrow(() -> new IOException(
                    OciRegistry.repository(image) + " has no blob " + layer + " (a layer of " + digest + ")")));
        }
        return MergedLayers.contains(TINI, topDown);
    }

    private static Optional<String> amd64(JsonNode index) {
        for (JsonNode entry : index.path("manifests")) {
            JsonNode platform = entry.path("platform");
            if (platform.path("os").asText().equals("linux")
                    && platform.path("architecture").asText().equals("amd64")) {
                return Optional.of(entry.path("digest").asText());
            }
        }
        return Optional.empty();
    }

    /** Whether the registry answered HTTPS with something that is not TLS, or has no HTTPS port open. */
    private static boolean speaksNoTls(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof SSLException || t instanceof ConnectException) {
                return true;
            }
        }
        return false;
    }

    /** A cache that cannot be written only costs reading the base again next time. */
    private static void remember(Path verdict, String answer) {
        try {
            AtomicFiles.write(verdict, answer + "\n");
        } catch (IOException e) {
            // next build asks the registry again
        }
    }
}
