package dev.slipway.images.supplychain;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.google.cloud.tools.jib.api.ImageReference;
import com.google.cloud.tools.jib.api.InvalidImageReferenceException;
import dev.slipway.images.supplychain.SigningKeys.SigningKey;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.PublicKey;
import java.security.Signature;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Optional;

/**
 * Image signatures in cosign's key-based format, so {@code cosign verify --key} accepts what Slipway signs and
 * Slipway verifies what cosign signs: a simple-signing JSON payload naming the repository and the manifest digest,
 * signed with ECDSA P-256 over SHA-256, stored as one layer (media type {@value #SIMPLE_SIGNING}, the base64
 * signature in the annotation {@value #SIGNATURE_ANNOTATION}) of an OCI image manifest tagged
 * {@code sha256-<hex>.sig} in the image's own repository.
 */
public final class CosignSignatures {
    public static final String SIMPLE_SIGNING = "application/vnd.dev.cosign.simplesigning.v1+json";
    public static final String SIGNATURE_ANNOTATION = "dev.cosignproject.cosign/signature";
    public static final String PAYLOAD_TYPE = "cosign container image signature";
    private static final String CONFIG_TYPE = "application/vnd.oci.image.config.v1+json";

    private final OciRegistry registry;

    public CosignSignatures(OciRegistry registry) {
        this.registry = registry;
    }

    /** Jackson starts on first use, not with this class: {@link #artifactTag} needs none. */
    private static final class Json {
        static final JsonMapper MAPPER = JsonMapper.builder().build();
    }

    /** What was signed: the image, its digest and the tag that holds the signature. */
    public record Signed(String image, String digest, String signatureTag, boolean alreadySigned) {
    }

    /** The tag cosign looks for: {@code sha256-<hex>.sig}, and {@code .sbom}/{@code .att} for its other artifacts. */
    public static String artifactTag(String digest, String suffix) {
        if (!digest.startsWith("sha256:") || digest.length() != 71) {
            throw new IllegalArgumentException("expected a sha256:<64 hex> digest, got '" + digest + "'");
        }
        return "sha256-" + digest.substring("sha256:".length()) + "." + suffix;
    }

    /** The simple-signing payload for {@code repository} at {@code digest}, byte for byte as cosign writes it. */
    public static byte[] payload(String repository, String digest) {
        ObjectNode root = Json.MAPPER.createObjectNode();
        ObjectNode critical = root.putObject("critical");
        critical.putObject("identity").put("docker-reference", repository);
        critical.putObject("image").put("docker-manifest-digest", digest);
        critical.put("type", PAYLOAD_TYPE);
        root.putNull("optional");
        return bytes(root);
    }

    /**
     * Signs {@code image} (a pinned {@code repo@sha256:…} reference, as a push reports it) and pushes the signature.
     * A signature by the same key already there is kept as it is; other signatures stay beside the new one.
     */
    public Signed sign(String image, SigningKey key) throws IOException {
        ImageReference reference = parse(image);
        String digest = reference.getDigest().orElseThrow(() -> new IOException(image
                + ": sign a pinned reference (repository@sha256:…), not a tag"));
        String repository = OciRegistry.repository(reference);
        String tag = artifactTag(digest, "sig");
        byte[] payload = payload(repository, digest);
        List<JsonNode> layers = new ArrayList<>();
        Optional<OciRegistry.Manifest> existing = registry.manifest(reference, tag);
        if (existing.isPresent()) {
            for (JsonNode layer : existing.get().json().path("layers")) {
                Optional<String> problem = check(reference, digest, layer, key.publicKey());
                if (problem.isEmpty()) {
                    return new Signed(image, digest, tag, true);
                }
                layers.add(layer);
            }
        }
        String signature;
        try {
            Signature ecdsa = Signature.getInstance("SHA256withECDSA");
            ecdsa.initSign(key.privateKey());
            ecdsa.update(payload);
            signature = Base64.getEncoder().encodeToString(ecdsa.sign());
        } catch (GeneralSecurityException e) {
            throw new IOException(image + ": signing failed with the " + key + ": " + e.getClass().getSimpleName());
        }
        String payloadDigest = registry.pushBlob(reference, payload);
        ObjectNode layer = descriptor(SIMPLE_SIGNING, payload.length, payloadDigest);
        layer.putObject("annotations").put(SIGNATURE_ANNOTATION, signature);
        layers.add(layer);
        pushArtifactManifest(registry, reference, tag, layers);
        return new Signed(image, digest, tag, false);
    }

    /**
     * Pushes an OCI image manifest of {@code layers} (whose blobs are already in the repository) under {@code tag},
     * with a config listing them as cosign writes one.
     */
    private static String pushArtifactManifest(OciRegistry registry, ImageReference reference, String tag,
            List<JsonNode> layers) throws IOException {
        ObjectNode config = Json.MAPPER.createObjectNode();
        config.put("architecture", "").put("created", "0001-01-01T00:00:00Z");
        config.putArray("history").addObject().put("created", "0001-01-01T00:00:00Z");
        config.put("os", "");
        ObjectNode rootfs = config.putObject("rootfs");
        rootfs.put("type", "layers");
        ArrayNode diffIds = rootfs.putArray("diff_ids");
        layers.forEach(l -> diffIds.add(l.path("digest").asText()));
        config.putObject("config");
        byte[] configBytes = bytes(config);
        String configDigest = registry.pushBlob(reference, configBytes);
        return putArtifactManifest(registry, reference, tag, descriptor(CONFIG_TYPE, configBytes.length, configDigest),
                Optional.empty(), layers);
    }

    /** An OCI content descriptor: what a manifest says of its config or of a layer. */
    static ObjectNode descriptor(String mediaType, long size, String digest) {
        ObjectNode descriptor = Json.MAPPER.createObjectNode();
        descriptor.put("mediaType", mediaType).put("size", size).put("digest", digest);
        return descriptor;
    }

    /**
     * PUTs an OCI image manifest of {@code config} and {@code layers} (whose blobs are already in the repository)
     * under {@code tag}, with {@code artifactType} if given; returns its digest.
     */
    static String putArtifactManifest(OciRegistry registry, ImageReference reference, String tag, JsonNode config,
            Optional<String> artifactType, List<JsonNode> layers) throws IOException {
        ObjectNode manifest = Json.MAPPER.createObjectNode();
        manifest.put("schemaVersion", 2).put("mediaType", OciRegistry.OCI_MANIFEST);
        artifactType.ifPresent(type -> manifest.put("artifactType", type));
        manifest.set("config", config);
        ArrayNode layerArray = manifest.putArray("layers");
        layers.forEach(layerArray::add);
        return registry.putManifest(reference, tag, OciRegistry.OCI_MANIFEST, bytes(manifest));
    }

    /** A verified signature: the image, the digest it was checked at, the signature tag. */
    public record Verified(String image, String digest, String signatureTag) {
    }

    /**
     * Checks that {@code image} (a tag or a pinned reference) carries a signature by {@code key} over its current
     * manifest digest; {@link SignatureProblem} says what is missing or wrong, naming the image.
     */
    public Verified verify(String image, PublicKey key) throws SignatureProblem, IOException {
        ImageReference reference = parse(image);
        Optional<String> digest = registry.digestOf(reference);
        if (digest.isEmpty()) {
            throw new SignatureProblem(image + ": no such image in " + OciRegistry.repository(reference));
        }
        String tag = artifactTag(digest.get(), "sig");
        Optional<OciRegistry.Manifest> signatures = registry.manifest(reference, tag);
        if (signatures.isEmpty()) {
            throw new SignatureProblem(image + " (" + digest.get() + "): not signed (no " + tag + " in "
                    + OciRegistry.repository(reference) + ")");
        }
        List<String> failures = new ArrayList<>();
        int n = 0;
        for (JsonNode layer : signatures.get().json().path("layers")) {
            n++;
            Optional<String> problem = check(reference, digest.get(), layer, key);
            if (problem.isEmpty()) {
                return new Verified(image, digest.get(), tag);
            }
            failures.add("signature " + n + ": " + problem.get());
        }
        throw new SignatureProblem(image + " (" + digest.get() + "): no signature verifies with the key"
                + (failures.isEmpty() ? " (" + tag + " holds none)" : ": " + String.join("; ", failures)));
    }

    /** Empty if {@code layer} is a simple-signing signature by {@code key} of {@code digest}; else why not. */
    private Optional<String> check(ImageReference reference, String digest, JsonNode layer, PublicKey key)
            throws IOException {
        if (!SIMPLE_SIGNING.equals(layer.path("mediaType").asText())) {
            return Optional.of("not a simple-signing layer (" + layer.path("mediaType").asText() + ")");
        }
        String encoded = layer.path("annotations").path(SIGNATURE_ANNOTATION).asText("");
        if (encoded.isEmpty()) {
            return Optional.of("no " + SIGNATURE_ANNOTATION + " annotation");
        }
        Optional<byte[]> payload = registry.blob(reference, layer.path("digest").asText());
        if (payload.isEmpty()) {
            return Optional.of("its payload " + layer.path("digest").asText() + " is not in the registry");
        }
        try {
            Signature ecdsa = Signature.getInstance("SHA256withECDSA");
            ecdsa.initVerify(key);
            ecdsa.update(payload.get());
            if (!ecdsa.verify(Base64.getDecoder().decode(encoded))) {
                return Optional.of("made by another key, or its payload was changed");
            }
        } catch (IllegalArgumentException | GeneralSecurityException e) {
            return Optional.of("made by another key, or not an ECDSA signature");
        }
        JsonNode claims;
        try {
            claims = Json.MAPPER.readTree(payload.get()).path("critical");
        } catch (IOException e) {
            return Optional.of("its payload is not JSON");
        }
        if (!PAYLOAD_TYPE.equals(claims.path("type").asText())) {
            return Optional
                    .of("its payload type is '" + claims.path("type").asText() + "', not '" + PAYLOAD_TYPE + "'");
        }
        String signedDigest = claims.path("image").path("docker-manifest-digest").asText();
        if (!digest.equals(signedDigest)) {
            return Optional.of("it signs " + signedDigest + ", not this image's " + digest);
        }
        String signedRepository = claims.path("identity").path("docker-reference").asText();
        if (!OciRegistry.repository(reference).equals(signedRepository)) {
            return Optional
                    .of("it signs repository " + signedRepository + ", not " + OciRegistry.repository(reference));
        }
        return Optional.empty();
    }

    /**
     * Every image of {@code images} that is not signed by {@code key}, one line each naming it and what is wrong;
     * empty when all are signed. Images are checked once each, in order.
     */
    public List<String> problems(List<String> images, PublicKey key) {
        List<String> problems = new ArrayList<>();
        for (String image : images.stream().distinct().toList()) {
            try {
                verify(image, key);
            } catch (SignatureProblem e) {
                problems.add(e.getMessage());
            } catch (IOException e) {
                problems.add(image + ": cannot check its signature: " + e.getMessage());
            }
        }
        return problems;
    }

    static ImageReference parse(String image) throws IOException {
        try {
            return ImageReference.parse(image);
        } catch (InvalidImageReferenceException e) {
            throw new IOException("'" + image + "' is not an image reference (HOST[:PORT]/REPOSITORY[:TAG|@sha256:…])");
        }
    }

    static byte[] bytes(JsonNode node) {
        try {
            return Json.MAPPER.writeValueAsString(node).getBytes(StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    /** An image that is not signed as required; the message names it and says what is wrong. */
    public static final class SignatureProblem extends Exception {
        public SignatureProblem(String message) {
            super(message);
        }
    }
}
