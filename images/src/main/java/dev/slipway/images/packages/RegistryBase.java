package dev.slipway.images.packages;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.google.cloud.tools.jib.api.ImageReference;
import com.google.cloud.tools.jib.image.json.ContainerConfigurationTemplate;
import com.google.cloud.tools.jib.image.json.OciManifestTemplate;
import com.google.cloud.tools.jib.image.json.V22ManifestTemplate;
import com.google.cloud.tools.jib.json.JsonTemplate;
import com.google.cloud.tools.jib.json.JsonTemplateMapper;
import dev.slipway.images.AtomicFiles;
import dev.slipway.images.Sha256;
import dev.slipway.images.steps.ChildImagePush;
import dev.slipway.images.supplychain.OciRegistry;
import dev.slipway.packages.layer.LayerCompression;
import dev.slipway.plan.ImageHealthCheck;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * A family's packaged base image for a registry build, pushed by Slipway itself into the family's own repository
 * (by digest, under no tag) for Jib to build on: the parent's layers (already in the registry, mounted into the
 * repository beforehand) or none, plus the family's packaged layers, and the config {@link BaseArchive} would have
 * written into a tarball. So a big layer goes from Slipway's cache to the registry once, with no tarball written
 * around it and no copy into Jib's cache, and Jib finds every base layer in place.
 *
 * <p>The manifest is computed before anything is pushed, so its digest (and the image's fingerprint) is known to a
 * no-op build, which pushes nothing.
 */
public final class RegistryBase {
    static final String DOCKER_MANIFEST = "application/vnd.docker.distribution.manifest.v2+json";
    private static final String DOCKER_CONFIG = "application/vnd.docker.container.image.v1+json";
    private static final String DOCKER_LAYER = "application/vnd.docker.image.rootfs.diff.tar.gzip";
    private static final String OCI_CONFIG = "application/vnd.oci.image.config.v1+json";
    private static final String OCI_LAYER = LayerCompression.GZIP.mediaType();

    private final ImageReference repository;
    private final List<BaseArchive.Layer> added;
    private final byte[] config;
    private final String mediaType;
    private final byte[] manifest;
    private final LayerUploads uploads;

    private RegistryBase(ImageReference repository, List<BaseArchive.Layer> added, byte[] config, String mediaType,
            byte[] manifest, LayerUploads uploads) {
        this.repository = repository;
        this.added = added;
        this.config = config;
        this.mediaType = mediaType;
        this.manifest = manifest;
        this.uploads = uploads;
    }

    /** Started only when a base is made, never for one {@link #kept}: a mapper costs a fresh JVM about 0.2 s. */
    private static final class Json {
        static final JsonMapper MAPPER = JsonMapper.builder().build();
    }

    private static final AtomicBoolean WARMING = new AtomicBoolean();

    /**
     * Starts the JSON mappers (this class's and Jib's) on a thread of its own, so a base whose layers take a while to
     * write does not wait for them once they are written; called only when a layer is written, so never by a no-op
     * build.
     */
    static void warmUp() {
        if (!WARMING.compareAndSet(false, true)) {
            return;
        }
        Thread t = new Thread(() -> {
            try {
                Json.MAPPER.readTree(Json.MAPPER.writeValueAsBytes(Json.MAPPER.createObjectNode().put("a", 1)));
                // and Jib's, with which the family image and its children are written once the base is pushed
                for (Class<? extends JsonTemplate> template : List.of(ContainerConfigurationTemplate.class,
                        V22ManifestTemplate.class, OciManifestTemplate.class)) {
                    JsonTemplateMapper.readJson(
                            JsonTemplateMapper.toUtf8String(template.getDeclaredConstructor().newInstance()), template);
                }
            } catch (Exception e) {
                // a head start only: the base's own use of the mappers will say what is wrong, never this thread
            }
        }, "slipway-json-warm-up");
        t.setDaemon(true);
        t.start();
    }

    /** The starting image of a registry base: its manifest (empty: scratch) and config, as the registry has them. */
    record Start(Optional<JsonNode> manifest, ObjectNode config) {
        static Start scratch(String architecture) {
            return new Start(Optional.empty(), BaseArchive.scratchConfig(architecture));
        }

        /** Starting from {@code parent}, an image in the registry (its manifest and config as stored there). */
        static Start of(ChildImagePush.Manifest parent) throws IOException {
            return new Start(Optional.of(Json.MAPPER.readTree(parent.manifest())),
                    BaseArchive.parseConfig(parent.config()));
        }
    }

    /** The base of {@code start} plus {@code added} with {@code healthCheck}, to be pushed to {@code repository}. */
    static RegistryBase of(ImageReference repository, Start start, List<BaseArchive.Layer> added,
            Optional<ImageHealthCheck> healthCheck, LayerUploads uploads) throws IOException {
        byte[] config = BaseArchive.extendedConfig(start.config(), added, healthCheck);
        // the parent's schema, so its layer descriptors and the new ones agree; Docker's for scratch, as Jib pushes;
        // OCI's once a layer is zstd, which Docker's schema has no media type for
        String parentType = start.manifest().map(m -> m.path("mediaType").asText(DOCKER_MANIFEST))
                .filter(t -> !t.isEmpty()).orElse(DOCKER_MANIFEST);
        boolean zstd = added.stream().anyMatch(l -> l.compression() == LayerCompression.ZSTD);
        String mediaType = zstd ? OciRegistry.OCI_MANIFEST : parentType;
        boolean oci = mediaType.equals(OciRegistry.OCI_MANIFEST);
        ObjectNode manifest = Json.MAPPER.createObjectNode();
        manifest.put("schemaVersion", 2);
        manifest.put("mediaType", mediaType);
        manifest.putObject("config").put("mediaType", oci ? OCI_CONFIG : DOCKER_CONFIG).put("size", config.length)
                .put("digest", "sha256:" + Sha256.hex(config));
        ArrayNode layers = manifest.putArray("layers");
        start.manifest().ifPresent(m -> m.path("layers").forEach(layer -> {
            ObjectNode copy = layer.deepCopy();
            if (oci && DOCKER_LAYER.equals(layer.path("mediaType").asText())) {
                copy.put("mediaType", OCI_LAYER);
            }
            layers.add(copy);
        }));
        for (BaseArchive.Layer layer : added) {
            layers.addObject().put("mediaType", oci ? layer.compression().mediaType() : DOCKER_LAYER)
                    .put("size", layer.size()).put("digest", layer.digest());
        }
        return new RegistryBase(repository, List.copyOf(added), config, mediaType,
                Json.MAPPER.writeValueAsBytes(manifest), uploads);
    }

    /**
     * The base kept by {@link #keep} under {@code identity}, for {@code repository}; empty if none. A no-op build
     * finds its bases here, so it neither asks the registry for a parent's config nor starts a JSON mapper.
     */
    static Optional<RegistryBase> kept(Path directory, String identity, ImageReference repository,
            List<BaseArchive.Layer> added, LayerUploads uploads) throws IOException {
        Path config = directory.resolve(identity + ".config.json");
        Path manifest = directory.resolve(identity + ".manifest.json");
        Path mediaType = directory.resolve(identity + ".type");
        // the media type is written last, so its presence means the other two are complete
        if (!Files.isRegularFile(mediaType)) {
            return Optional.empty();
        }
        return Optional.of(new RegistryBase(repository, List.copyOf(added), Files.readAllBytes(config),
                Files.readString(mediaType).strip(), Files.readAllBytes(manifest), uploads));
    }

    /** Keeps this base's config and manifest under {@code identity} (what it is made of, hashed). */
    void keep(Path directory, String identity) throws IOException {
        AtomicFiles.write(directory.resolve(identity + ".config.json"), config);
        AtomicFiles.write(directory.resolve(identity + ".manifest.json"), manifest);
        AtomicFiles.write(directory.resolve(identity + ".type"), mediaType + "\n");
    }

    /** The base as images are built on it: its repository, manifest and config. */
    public ChildImagePush.Manifest manifest() {
        return new ChildImagePush.Manifest(repository, mediaType, manifest, config);
    }

    /** {@code registry/repository@sha256:…} of the base manifest, for Jib. */
    public String reference() {
        return repository.getRegistry() + "/" + repository.getRepository() + "@" + digest();
    }

    public String digest() {
        return "sha256:" + Sha256.hex(manifest);
    }

    /** The compressed bytes of the family's own packaged layers (not the parent's). */
    public long addedBytes() {
        return added.stream().mapToLong(BaseArchive.Layer::size).sum();
    }

    /**
     * Why layers of this base could not be uploaded while they were written, one line each; {@link #push} has sent
     * them from the cache instead.
     */
    public List<String> streamFailures() {
        return uploads.failures();
    }

    /** What pushing the base did: blobs and bytes uploaded from files here (streamed ones are counted apart). */
    public record Pushed(int blobs, long bytes, int streamed, long streamedBytes) {
    }

    /**
     * Pushes the packaged layers not streamed in already, the config and the manifest (by digest: no tag). The
     * parent's layers must be in the repository already; the registry refuses a manifest naming a missing blob.
     */
    public Pushed push(OciRegistry registry) throws IOException {
        int blobs = 0;
        long bytes = 0;
        int streamed = 0;
        long streamedBytes = 0;
        for (BaseArchive.Layer layer : added) {
            if (uploads.committed(layer.digest())) {
                streamed++;
                streamedBytes += layer.size();
            } else if (registry.pushBlob(repository, layer.file(), layer.digest())) {
                blobs++;
                bytes += layer.size();
            }
        }
        registry.pushBlob(repository, config);
        registry.putManifest(repository, digest(), mediaType, manifest);
        return new Pushed(blobs, bytes, streamed, streamedBytes);
    }
}
