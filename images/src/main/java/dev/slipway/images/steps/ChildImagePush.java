package dev.slipway.images.steps;

import com.google.cloud.tools.jib.api.ImageReference;
import com.google.cloud.tools.jib.api.InvalidImageReferenceException;
import com.google.cloud.tools.jib.api.buildplan.ContainerBuildPlan;
import com.google.cloud.tools.jib.api.buildplan.FileEntriesLayer;
import com.google.cloud.tools.jib.api.buildplan.FileEntry;
import com.google.cloud.tools.jib.api.buildplan.ImageFormat;
import com.google.cloud.tools.jib.api.buildplan.LayerObject;
import com.fasterxml.jackson.databind.MapperFeature;
import com.google.cloud.tools.jib.api.DescriptorDigest;
import com.google.cloud.tools.jib.blob.BlobDescriptor;
import com.google.cloud.tools.jib.blob.Blobs;
import com.google.cloud.tools.jib.docker.json.DockerManifestEntryTemplate;
import com.google.cloud.tools.jib.cache.Cache;
import com.google.cloud.tools.jib.cache.CacheCorruptedException;
import com.google.cloud.tools.jib.cache.CachedLayer;
import com.google.cloud.tools.jib.hash.Digests;
import com.google.cloud.tools.jib.image.Image;
import com.google.cloud.tools.jib.image.Layer;
import com.google.cloud.tools.jib.image.ReproducibleLayerBuilder;
import com.google.cloud.tools.jib.image.json.BuildableManifestTemplate;
import com.google.cloud.tools.jib.image.json.ContainerConfigurationTemplate;
import com.google.cloud.tools.jib.image.json.HistoryEntry;
import com.google.cloud.tools.jib.image.json.ImageToJsonTranslator;
import com.google.cloud.tools.jib.image.json.JsonToImageTranslator;
import com.google.cloud.tools.jib.image.json.OciManifestTemplate;
import com.google.cloud.tools.jib.image.json.V22ManifestTemplate;
import com.google.cloud.tools.jib.json.JsonTemplate;
import com.google.cloud.tools.jib.json.JsonTemplateMapper;
import com.google.cloud.tools.jib.filesystem.TempDirectoryProvider;
import com.google.cloud.tools.jib.tar.TarExtractor;
import com.google.common.collect.ImmutableList;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.slipway.images.BuiltImage;
import dev.slipway.images.progress.ProgressReporter;
import dev.slipway.images.supplychain.BlobHolders;
import dev.slipway.images.supplychain.OciRegistry;
import dev.slipway.packages.layer.LayerCompression;
import dev.slipway.plan.ImagePlan;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.zip.GZIPOutputStream;

/**
 * Pushes an image built on an image already in the same registry (its family's image, or a packaged base Slipway
 * pushed itself), or on a base tarball ({@link #tarballBase}), through the build's one kept-alive {@link OciRegistry} client instead of Jib's push, which makes a
 * new HTTP client for every image, tries HTTPS first against a plain-HTTP registry and mounts only from the base's
 * repository.
 *
 * <p>The image is assembled from jib-core's own parts, the way its {@code BuildImageStep} does: its application
 * layer cache and reproducible layer builder, its image model and its JSON. So the bytes, and the digest, are those
 * Jib makes (a {@code --out} tarball build, which still runs Jib, gives the same digests). The base's layers are
 * mounted from the base's repository; a layer this build already put into another repository (the machine-profile
 * layer of each family and machine) is mounted from there; any other blob is uploaded unless the repository has
 * it. The manifest, that is the tag, goes last: a failed push leaves no tag.
 *
 * <pre>{@code
 * ChildImagePush push = new ChildImagePush(registry, cache.applicationLayers(), cache.baseLayers());
 * ChildImagePush.Pushed pushed = push.push(plan, builder.toContainerBuildPlan(), push.base(parent), reporter);
 * }</pre>
 */
public final class ChildImagePush {
    private final OciRegistry registry;
    private final Cache layers;
    private final Path layersDirectory;
    /** Manifests and configs of images this build pushed or read, by digest: what children are built on. */
    private final Map<String, Manifest> manifests = new ConcurrentHashMap<>();
    /** Where each blob this build put is, for cross-repository mounts. */
    private final BlobHolders holders;
    /** "repository digest" of every blob known to be in a repository already. */
    private final Set<String> present = ConcurrentHashMap.newKeySet();
    private final Cache baseLayerCache;
    private final Path baseLayersDirectory;
    /** Tarball bases read by this build, by file; and their layers' blobs (digest to file in Jib's cache). */
    private final Map<Path, CompletableFuture<Manifest>> tarballs = new ConcurrentHashMap<>();
    private final Map<String, Path> localBlobs = new ConcurrentHashMap<>();

    /**
     * @param applicationLayers the directory of Jib's application layer cache, as the Jib builds use it
     * @param baseLayers the directory of Jib's base image layer cache, as the Jib builds use it
     */
    public ChildImagePush(OciRegistry registry, Path applicationLayers, Path baseLayers) throws IOException {
        this.registry = registry;
        this.holders = new BlobHolders(registry);
        this.layersDirectory = applicationLayers.resolve("layers");
        this.baseLayersDirectory = baseLayers;
        this.layers = jibCache(applicationLayers);
        this.baseLayerCache = jibCache(baseLayers);
    }

    private static Cache jibCache(Path directory) throws IOException {
        try {
            return Cache.withDirectory(directory);
        } catch (com.google.cloud.tools.jib.api.CacheDirectoryCreationException e) {
            throw new IOException("cannot use layer cache " + directory + ": " + e.getMessage(), e);
        }
    }

    /** An image in the registry: where it is, its manifest (of {@code mediaType}) and config, as stored. */
    public record Manifest(ImageReference repository, String mediaType, byte[] manifest, byte[] config) {
        public String digest() {
            return "sha256:" + dev.slipway.images.Sha256.hex(manifest);
        }
    }

    /** What was pushed: the manifest digest, and the bytes of the layers and config the image adds to its base. */
    public record Pushed(String digest, long addedBytes) {
    }

    /** Tells this push about an image pushed by other means (a packaged base), so that children need not read it. */
    public void known(Manifest image) throws IOException {
        manifests.put(image.digest(), image);
        for (BuildableManifestTemplate.ContentDescriptorTemplate layer : template(image).getLayers()) {
            remember(image.repository().getRepository(), layer.getDigest().toString());
        }
    }

    /** The build's one registry client, which every push of this build goes through. */
    public OciRegistry registry() {
        return registry;
    }

    /** The parent's manifest and config: as this build pushed or read them, or read from the registry. */
    public Manifest base(BuiltImage parent) throws IOException {
        Manifest known = manifests.get(parent.digest());
        if (known != null) {
            return known;
        }
        ImageReference reference;
        try {
            reference = ImageReference.parse(parent.image());
        } catch (InvalidImageReferenceException e) {
            throw new IOException("not an image reference: " + parent.image(), e);
        }
        Manifest read = read(registry, reference, parent.digest());
        known(read);
        return read;
    }

    /** Image {@code digest} of {@code repository} as the registry has it: its manifest and config (two requests). */
    public static Manifest read(OciRegistry registry, ImageReference repository, String digest) throws IOException {
        OciRegistry.Manifest manifest = registry.manifest(repository, digest).orElseThrow(() -> new IOException(
                OciRegistry.repository(repository) + " has no manifest " + digest));
        String configDigest = manifest.json().path("config").path("digest").asText();
        byte[] config = registry.blob(repository, configDigest).orElseThrow(() -> new IOException(
                OciRegistry.repository(repository) + " has no config blob " + configDigest + " of " + digest));
        return new Manifest(repository, manifest.mediaType(), manifest.bytes(), config);
    }

    /**
     * Mounts {@code base}'s layers into {@code plan}'s repository, unless known to be there: before a packaged base
     * built on {@code base} is pushed there (the registry refuses a manifest naming a blob it lacks), and by
     * {@link #push}.
     */
    public void mountLayers(ImagePlan plan, Manifest base, ProgressReporter reporter)
            throws IOException, InvalidImageReferenceException {
        ImageReference target = ImageReference.parse(plan.image().text());
        String repository = target.getRepository();
        List<BuildableManifestTemplate.ContentDescriptorTemplate> baseLayers = template(base).getLayers();
        String from = base.repository().getRepository();
        for (BuildableManifestTemplate.ContentDescriptorTemplate layer : baseLayers) {
            String digest = layer.getDigest().toString();
            Path local = localBlobs.get(digest);
            if (local != null) {
                // a base tarball's layer: uploaded into the first repository, mounted into the next
                long size = layer.getSize();
                put(target, digest, size, reporter, () -> registry.uploadBlob(target, local, digest,
                        reporter.uploading(size)));
                continue;
            }
            if (present.contains(repository + " " + digest) || repository.equals(from)) {
                continue;
            }
            if (registry.mountBlob(target, digest, from)) {
                reporter.mounted();
            } else if (!registry.hasBlob(target, digest)) {
                throw new IOException("cannot mount layer " + digest + " of " + OciRegistry.repository(
                        base.repository()) + "@" + base.digest() + " into " + OciRegistry.repository(target)
                        + ": the registry has no such blob in " + from);
            }
            remember(repository, digest);
        }
    }

    /**
     * Builds (or takes from the layer cache) the plan's layers, puts them, the base's layers and the config into the
     * image's repository, then the manifest under the image's tag.
     */
    public Pushed push(ImagePlan plan, ContainerBuildPlan buildPlan, Manifest base, ProgressReporter reporter)
            throws IOException, InvalidImageReferenceException {
        ImageReference target = ImageReference.parse(plan.image().text());
        String repository = target.getRepository();
        Image baseImage = image(base);

        mountLayers(plan, base, reporter);
        List<NamedLayer> added = new ArrayList<>();
        for (LayerObject object : buildPlan.getLayers()) {
            FileEntriesLayer layer = (FileEntriesLayer) object;
            if (!layer.getEntries().isEmpty()) {
                added.add(new NamedLayer(layer.getName(), cached(layer, reporter)));
            }
        }
        Class<? extends BuildableManifestTemplate> imageFormat = manifestClass(buildPlan.getFormat());
        Image image = assemble(baseImage, buildPlan, added, imageFormat);
        // zstd layers (of a packaged base) need OCI's manifest schema and their own media type, which Jib does not
        // write; the config stays as the image's format makes it (Jib drops the health check from an OCI one)
        Set<String> zstd = zstdLayers(base);
        Class<? extends BuildableManifestTemplate> format = zstd.isEmpty() ? imageFormat : OciManifestTemplate.class;
        ImageToJsonTranslator json = new ImageToJsonTranslator(image);

        long addedBytes = 0;
        for (NamedLayer layer : added) {
            CachedLayer cached = layer.layer();
            String layerDigest = cached.getDigest().toString();
            put(target, layerDigest, cached.getSize(), reporter, () -> registry.uploadBlob(target, layerFile(cached),
                    layerDigest, reporter.uploading(cached.getSize())));
            addedBytes += cached.getSize();
        }
        JsonTemplate configTemplate = json.getContainerConfiguration();
        byte[] config = JsonTemplateMapper.toByteArray(configTemplate);
        BlobDescriptor configDescriptor = Digests.computeDigest(configTemplate);
        String configDigest = configDescriptor.getDigest().toString();
        put(target, configDigest, config.length, reporter, () -> registry.uploadBlob(target, config));
        addedBytes += config.length;

        BuildableManifestTemplate manifestTemplate = json.getManifestTemplate(format, configDescriptor);
        byte[] manifest = zstd.isEmpty()
                ? JsonTemplateMapper.toByteArray(manifestTemplate)
                : withZstdMediaTypes(JsonTemplateMapper.toByteArray(manifestTemplate), zstd);
        String digest = registry.putManifest(target, target.getTag().orElse("latest"),
                manifestTemplate.getManifestMediaType(), manifest);
        manifests.put(digest, new Manifest(ImageReference.of(target.getRegistry(), repository, null),
                manifestTemplate.getManifestMediaType(), manifest, config));
        return new Pushed(digest, addedBytes);
    }

    private record NamedLayer(String name, CachedLayer layer) {
    }

    /**
     * Puts blob {@code digest} into {@code target}'s repository: nothing if it is known to be there; a mount if this
     * build uploaded it into another repository (waiting for an upload of it under way); else {@code upload}, unless
     * the repository has it.
     */
    private void put(ImageReference target, String digest, long size, ProgressReporter reporter,
            BlobHolders.Upload upload) throws IOException {
        String repository = target.getRepository();
        if (present.contains(repository + " " + digest)) {
            reporter.alreadyThere();
            return;
        }
        switch (holders.put(target, digest, () -> transfer(target, digest, size, reporter, upload))) {
            case MOUNTED -> reporter.mounted();
            case HELD -> reporter.alreadyThere();
            case SENT -> {
                // transfer told the reporter
            }
        }
        present.add(repository + " " + digest);
    }

    private void transfer(ImageReference target, String digest, long size, ProgressReporter reporter,
            BlobHolders.Upload upload) throws IOException {
        if (registry.hasBlob(target, digest)) {
            reporter.alreadyThere();
        } else {
            upload.send();
            reporter.uploaded(size);
        }
    }

    private void remember(String repository, String digest) {
        present.add(repository + " " + digest);
        holders.held(repository, digest);
    }

    /** Jib's layer cache keeps a layer in {@code layers/<digest>/<diff id>}. */
    private Path layerFile(CachedLayer layer) throws IOException {
        Path file = layersDirectory.resolve(layer.getDigest().getHash()).resolve(layer.getDiffId().getHash());
        if (!Files.isRegularFile(file)) {
            throw new IOException("layer " + layer.getDigest() + " is not where jib-core's cache keeps it: " + file);
        }
        return file;
    }

    /** The layer from Jib's application layer cache, built and cached first if it is not there (as Jib does). */
    private CachedLayer cached(FileEntriesLayer layer, ProgressReporter reporter) throws IOException {
        ImmutableList<FileEntry> entries = ImmutableList.copyOf(layer.getEntries());
        try {
            Optional<CachedLayer> cached = layers.retrieve(entries);
            if (cached.isPresent()) {
                return cached.get();
            }
        } catch (CacheCorruptedException e) {
            throw new IOException("layer cache: " + e.getMessage(), e);
        }
        CachedLayer built = layers.writeUncompressedLayer(new ReproducibleLayerBuilder(entries).build(), entries);
        reporter.layerBuilt();
        return built;
    }

    /** The image Jib's {@code BuildImageStep} (jib-core 0.27.3) makes of this base, plan and layers. */
    private static Image assemble(Image base, ContainerBuildPlan plan, List<NamedLayer> added,
            Class<? extends BuildableManifestTemplate> format) throws IOException {
        Image.Builder image = Image.builder(format);
        try {
            for (Layer layer : base.getLayers()) {
                image.addLayer(layer);
            }
            int emptyHistory = 0;
            for (HistoryEntry history : base.getHistory()) {
                image.addHistory(history);
                if (!history.hasCorrespondingLayer()) {
                    emptyHistory++;
                }
            }
            image.setArchitecture(base.getArchitecture()).setOs(base.getOs())
                    .addEnvironment(base.getEnvironment()).addLabels(base.getLabels())
                    .setHealthCheck(base.getHealthCheck()).addExposedPorts(base.getExposedPorts())
                    .addVolumes(base.getVolumes()).setUser(base.getUser())
                    .setWorkingDirectory(base.getWorkingDirectory());
            for (int count = 0; count < base.getLayers().size() - emptyHistory; count++) {
                image.addHistory(HistoryEntry.builder().setCreationTimestamp(plan.getCreationTime())
                        .setComment("auto-generated by Jib").build());
            }
            for (NamedLayer layer : added) {
                image.addLayer(layer.layer()).addHistory(HistoryEntry.builder()
                        .setCreationTimestamp(plan.getCreationTime()).setAuthor("Jib")
                        .setCreatedBy(OutputStep.TOOL_NAME + ":" + OutputStep.TOOL_VERSION)
                        .setComment(layer.name()).build());
            }
        } catch (com.google.cloud.tools.jib.image.LayerPropertyNotFoundException e) {
            throw new IOException("base image layer: " + e.getMessage(), e);
        }
        boolean inheritEntrypoint = base.getEntrypoint() != null && plan.getEntrypoint() == null;
        boolean inheritCmd = base.getProgramArguments() != null && plan.getEntrypoint() == null
                && plan.getCmd() == null;
        image.addEnvironment(plan.getEnvironment()).setCreated(plan.getCreationTime())
                .setEntrypoint(inheritEntrypoint ? base.getEntrypoint() : plan.getEntrypoint())
                .setProgramArguments(inheritCmd ? base.getProgramArguments() : plan.getCmd())
                .addExposedPorts(plan.getExposedPorts()).addVolumes(plan.getVolumes()).addLabels(plan.getLabels());
        if (plan.getUser() != null) {
            image.setUser(plan.getUser());
        }
        if (plan.getWorkingDirectory() != null) {
            image.setWorkingDirectory(plan.getWorkingDirectory().toString());
        }
        return image.build();
    }

    /** Jackson starts only for a zstd lineage. */
    private static final class Json {
        static final JsonMapper MAPPER = JsonMapper.builder().build();
    }

    /** The digests of {@code image}'s zstd layers. */
    private static Set<String> zstdLayers(Manifest image) throws IOException {
        if (!OciManifestTemplate.MANIFEST_MEDIA_TYPE.equals(image.mediaType())) {
            return Set.of();
        }
        Set<String> zstd = new HashSet<>();
        for (JsonNode layer : Json.MAPPER.readTree(image.manifest()).path("layers")) {
            if (LayerCompression.ofMediaType(layer.path("mediaType").asText()).orElse(null) == LayerCompression.ZSTD) {
                zstd.add(layer.path("digest").asText());
            }
        }
        return zstd;
    }

    /**
     * A base tarball ({@code docker save} output, or a Jib-built tar) as the base of a root family: its layers
     * compressed into Jib's base layer cache and its manifest and config made of it exactly as jib-core 0.27.3's
     * {@code LocalBaseImageSteps} does (so an image built on it has Jib's digest); its layers are uploaded by
     * {@link #push}. Read once per build; {@code repository} is the first image's built on it.
     */
    public Manifest tarballBase(Path tar, ImageReference repository) throws IOException {
        CompletableFuture<Manifest> mine = new CompletableFuture<>();
        CompletableFuture<Manifest> read = tarballs.putIfAbsent(tar.toAbsolutePath().normalize(), mine);
        if (read == null) {
            try {
                mine.complete(readTarball(tar, repository));
            } catch (IOException | RuntimeException e) {
                mine.completeExceptionally(e);
            }
            read = mine;
        }
        try {
            return read.join();
        } catch (java.util.concurrent.CompletionException e) {
            throw e.getCause() instanceof IOException io ? io : new IOException(tar + ": " + e.getCause(), e);
        }
    }

    private Manifest readTarball(Path tar, ImageReference repository) throws IOException {
        // extracted into a temporary directory, as Jib does, removed when done
        try (TempDirectoryProvider temporary = new TempDirectoryProvider()) {
            Path extracted = temporary.newDirectory();
            TarExtractor.extract(tar, extracted);
            DockerManifestEntryTemplate load;
            try (java.io.InputStream in = Files.newInputStream(extracted.resolve("manifest.json"))) {
                load = JsonMapper.builder().configure(MapperFeature.ACCEPT_CASE_INSENSITIVE_PROPERTIES, true).build()
                        .readValue(in, DockerManifestEntryTemplate[].class)[0];
            }
            ContainerConfigurationTemplate config = JsonTemplateMapper.readJsonFromFile(
                    extracted.resolve(load.getConfig()), ContainerConfigurationTemplate.class);
            List<String> files = load.getLayerFiles();
            if (config.getLayerCount() != files.size()) {
                throw new IOException(tar + ": its manifest lists " + files.size() + " layers, its config "
                        + config.getLayerCount());
            }
            // 'docker save' writes layers uncompressed, Jib compressed: the first layer tells
            boolean compressed = !files.isEmpty() && gzipped(extracted.resolve(files.get(0)));
            V22ManifestTemplate manifest = new V22ManifestTemplate();
            for (int i = 0; i < files.size(); i++) {
                Path file = extracted.resolve(files.get(i));
                DescriptorDigest diffId = config.getLayerDiffId(i);
                Optional<CachedLayer> cached = baseLayerCache.retrieveTarLayer(diffId);
                CachedLayer layer = cached.isPresent()
                        ? cached.get()
                        : baseLayerCache.writeTarLayer(diffId, compressed
                                ? Blobs.from(file)
                                : Blobs.from(out -> {
                                    try (GZIPOutputStream gzip = new GZIPOutputStream(out)) {
                                        Blobs.from(file).writeTo(gzip);
                                    }
                                }, true));
                manifest.addLayer(layer.getSize(), layer.getDigest());
                // where jib-core's cache keeps a tar layer: local/<diff id>/<digest>
                localBlobs.put(layer.getDigest().toString(), baseLayersDirectory.resolve("local")
                        .resolve(diffId.getHash()).resolve(layer.getDigest().getHash()));
            }
            BlobDescriptor configDescriptor = Digests.computeDigest(config);
            manifest.setContainerConfiguration(configDescriptor.getSize(), configDescriptor.getDigest());
            return new Manifest(ImageReference.of(repository.getRegistry(), repository.getRepository(), null),
                    manifest.getManifestMediaType(), JsonTemplateMapper.toByteArray(manifest),
                    JsonTemplateMapper.toByteArray(config));
        } catch (com.google.cloud.tools.jib.image.LayerPropertyNotFoundException
                | CacheCorruptedException e) {
            throw new IOException(tar + ": " + e.getMessage(), e);
        }
    }

    /** The bytes of {@code image}'s layers. */
    public long layerBytes(Manifest image) throws IOException {
        long bytes = 0;
        for (BuildableManifestTemplate.ContentDescriptorTemplate layer : template(image).getLayers()) {
            bytes += layer.getSize();
        }
        return bytes;
    }

    private static boolean gzipped(Path file) throws IOException {
        try (java.io.InputStream in = Files.newInputStream(file)) {
            return LayerCompression.ofMagic(in.readNBytes(4)).orElse(null) == LayerCompression.GZIP;
        }
    }

    /** Jib's OCI manifest, with the zstd layers' media type where Jib writes gzip's for every layer. */
    private static byte[] withZstdMediaTypes(byte[] manifest, Set<String> zstd) throws IOException {
        ObjectNode json = (ObjectNode) Json.MAPPER.readTree(manifest);
        for (JsonNode layer : json.path("layers")) {
            if (zstd.contains(layer.path("digest").asText())) {
                ((ObjectNode) layer).put("mediaType", LayerCompression.ZSTD.mediaType());
            }
        }
        return Json.MAPPER.writeValueAsBytes(json);
    }

    private static Class<? extends BuildableManifestTemplate> manifestClass(ImageFormat format) {
        return format == ImageFormat.OCI ? OciManifestTemplate.class : V22ManifestTemplate.class;
    }

    private static BuildableManifestTemplate template(Manifest image) throws IOException {
        Class<? extends BuildableManifestTemplate> type = OciManifestTemplate.MANIFEST_MEDIA_TYPE.equals(
                image.mediaType()) ? OciManifestTemplate.class : V22ManifestTemplate.class;
        return JsonTemplateMapper.readJson(image.manifest(), type);
    }

    private static Image image(Manifest base) throws IOException {
        try {
            return JsonToImageTranslator.toImage(template(base),
                    JsonTemplateMapper.readJson(base.config(), ContainerConfigurationTemplate.class));
        } catch (com.google.cloud.tools.jib.image.LayerCountMismatchException
                | com.google.cloud.tools.jib.image.LayerPropertyNotFoundException
                | com.google.cloud.tools.jib.image.json.BadContainerConfigurationFormatException e) {
            throw new IOException(OciRegistry.repository(base.repository()) + "@" + base.digest()
                    + ": not an image Slipway can build on: " + e.getMessage(), e);
        }
    }
}
