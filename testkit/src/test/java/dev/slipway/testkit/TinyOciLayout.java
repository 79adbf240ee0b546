package dev.slipway.testkit;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveOutputStream;

/** A one-layer, one-file OCI image layout written by hand, so a push test depends on no other tool's output. */
final class TinyOciLayout {

    final Path dir;
    final String tag;
    final String manifestDigest;

    private TinyOciLayout(Path dir, String tag, String manifestDigest) {
        this.dir = dir;
        this.tag = tag;
        this.manifestDigest = manifestDigest;
    }

    static TinyOciLayout write(Path dir, String tag, String fileContent) throws IOException {
        Files.createDirectories(dir.resolve("blobs/sha256"));
        byte[] layer = tarWithOneFile("hello.txt", fileContent.getBytes(StandardCharsets.UTF_8));
        String layerDigest = blob(dir, layer);
        byte[] config = """
                {"architecture":"amd64","os":"linux","config":{},"rootfs":{"type":"layers","diff_ids":["%s"]}}"""
                .formatted(layerDigest).getBytes(StandardCharsets.UTF_8);
        String configDigest = blob(dir, config);
        byte[] manifest = """
                {"schemaVersion":2,"mediaType":"application/vnd.oci.image.manifest.v1+json",\
                "config":{"mediaType":"application/vnd.oci.image.config.v1+json","digest":"%s","size":%d},\
                "layers":[{"mediaType":"application/vnd.oci.image.layer.v1.tar","digest":"%s","size":%d}]}"""
                .formatted(configDigest, config.length, layerDigest, layer.length).getBytes(StandardCharsets.UTF_8);
        String manifestDigest = blob(dir, manifest);
        Files.writeString(dir.resolve("oci-layout"), "{\"imageLayoutVersion\":\"1.0.0\"}");
        Files.writeString(dir.resolve("index.json"), """
                {"schemaVersion":2,"manifests":[{"mediaType":"application/vnd.oci.image.manifest.v1+json",\
                "digest":"%s","size":%d,"annotations":{"org.opencontainers.image.ref.name":"%s"}}]}"""
                .formatted(manifestDigest, manifest.length, tag));
        return new TinyOciLayout(dir, tag, manifestDigest);
    }

    private static String blob(Path dir, byte[] content) throws IOException {
        String digest = "sha256:" + sha256(content);
        Files.write(dir.resolve("blobs/sha256").resolve(digest.substring("sha256:".length())), content);
        return digest;
    }

    private static byte[] tarWithOneFile(String name, byte[] content) throws IOException {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (TarArchiveOutputStream tar = new TarArchiveOutputStream(bytes)) {
            TarArchiveEntry entry = new TarArchiveEntry(name);
            entry.setSize(content.length);
            tar.putArchiveEntry(entry);
            tar.write(content);
            tar.closeArchiveEntry();
        }
        return bytes.toByteArray();
    }

    private static String sha256(byte[] content) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(content));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
