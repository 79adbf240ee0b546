package dev.slipway.images.supplychain;

import com.google.cloud.tools.jib.api.ImageReference;
import dev.slipway.images.Sha256;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

/** Small real images pushed with the registry client, and P-256 keys made by openssl, for the supply-chain tests. */
final class TestImages {

    private TestImages() {
    }

    /** Pushes a one-layer OCI image (a gzip-less tar holding one file with {@code content}) as {@code image}; its digest. */
    static String push(OciRegistry registry, String image, String content) throws Exception {
        ImageReference reference = ImageReference.parse(image);
        byte[] layer = TestTar.oneFile("hello.txt", content.getBytes(StandardCharsets.UTF_8));
        String layerDigest = registry.pushBlob(reference, layer);
        byte[] config = ("{\"architecture\":\"amd64\",\"os\":\"linux\",\"rootfs\":{\"type\":\"layers\",\"diff_ids\":[\""
                + layerDigest + "\"]},\"config\":{}}").getBytes(StandardCharsets.UTF_8);
        String configDigest = registry.pushBlob(reference, config);
        byte[] manifest = ("{\"schemaVersion\":2,\"mediaType\":\"" + OciRegistry.OCI_MANIFEST + "\",\"config\":{"
                + "\"mediaType\":\"application/vnd.oci.image.config.v1+json\",\"size\":" + config.length
                + ",\"digest\":\"" + configDigest + "\"},\"layers\":[{\"mediaType\":"
                + "\"application/vnd.oci.image.layer.v1.tar\",\"size\":" + layer.length + ",\"digest\":\""
                + layerDigest + "\"}]}").getBytes(StandardCharsets.UTF_8);
        return registry.putManifest(reference, reference.getTag().orElseThrow(), OciRegistry.OCI_MANIFEST, manifest);
    }

    static String pinned(String image, String digest) {
        return image.substring(0, image.lastIndexOf(':')) + "@" + digest;
    }

    /** {@code openssl ecparam -name prime256v1 -genkey} (SEC1 with its EC PARAMETERS block) and its public key. */
    static Path[] opensslKeyPair(Path dir, String name) throws IOException, InterruptedException {
        Path key = dir.resolve(name + ".key");
        Path pub = dir.resolve(name + ".pub");
        openssl(dir, "ecparam", "-name", "prime256v1", "-genkey", "-out", key.toString());
        openssl(dir, "ec", "-in", key.toString(), "-pubout", "-out", pub.toString());
        return new Path[]{key, pub};
    }

    static void openssl(Path dir, String... arguments) throws IOException, InterruptedException {
        String[] command = new String[arguments.length + 1];
        command[0] = "openssl";
        System.arraycopy(arguments, 0, command, 1, arguments.length);
        Process p = new ProcessBuilder(command).directory(dir.toFile()).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!p.waitFor(1, TimeUnit.MINUTES) || p.exitValue() != 0) {
            throw new IOException(String.join(" ", command) + " failed: " + out);
        }
    }

    static String sha256(Path file) throws IOException {
        return Sha256.hex(Files.readAllBytes(file));
    }
}
