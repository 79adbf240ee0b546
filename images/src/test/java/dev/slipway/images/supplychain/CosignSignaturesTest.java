package dev.slipway.images.supplychain;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.google.cloud.tools.jib.api.ImageReference;
import dev.slipway.images.CredentialsOverPlainHttp;
import dev.slipway.images.RegistryCredentials;
import dev.slipway.images.supplychain.CosignSignatures.SignatureProblem;
import dev.slipway.images.supplychain.SigningKeys.KeyProblem;
import dev.slipway.images.supplychain.SigningKeys.SigningKey;
import dev.slipway.testkit.LocalRegistry;
import dev.slipway.testkit.PrivateKeyLines;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.interfaces.ECPublicKey;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Signing and verifying images in cosign's key-based format against Debian's docker-registry on loopback. */
class CosignSignaturesTest {

    @TempDir
    static Path keys;
    static LocalRegistry registry;
    static OciRegistry client;
    static CosignSignatures signatures;
    static SigningKey key;
    static ECPublicKey publicKey;
    static ECPublicKey otherPublicKey;
    static SigningKey otherKey;

    @BeforeAll
    static void start() throws Exception {
        registry = LocalRegistry.start();
        client = new OciRegistry(RegistryCredentials.anonymous(), true);
        signatures = new CosignSignatures(client);
        Path[] pair = TestImages.opensslKeyPair(keys, "cosign");
        key = SigningKeys.privateKey(pair[0].toString(), Map.of());
        publicKey = SigningKeys.publicKey(pair[1].toString(), Map.of());
        Path[] other = TestImages.opensslKeyPair(keys, "other");
        otherKey = SigningKeys.privateKey(other[0].toString(), Map.of());
        otherPublicKey = SigningKeys.publicKey(other[1].toString(), Map.of());
    }

    @AfterAll
    static void stop() {
        registry.close();
    }

    private String image(String name) {
        return registry.host() + "/slipway/" + name + ":1";
    }

    @Test
    void aSignedImageVerifiesAndTheSignatureIsStoredAsCosignStoresIt() throws Exception {
        String image = image("signed");
        String digest = TestImages.push(client, image, "signed");
        CosignSignatures.Signed signed = signatures.sign(TestImages.pinned(image, digest), key);
        assertEquals("sha256-" + digest.substring(7) + ".sig", signed.signatureTag());
        assertFalse(signed.alreadySigned());

        assertEquals(digest, signatures.verify(image, publicKey).digest());
        assertEquals(digest, signatures.verify(TestImages.pinned(image, digest), publicKey).digest());

        ImageReference reference = ImageReference.parse(image);
        JsonNode manifest = client.manifest(reference, signed.signatureTag()).orElseThrow().json();
        assertEquals(OciRegistry.OCI_MANIFEST, manifest.path("mediaType").asText());
        JsonNode layer = manifest.path("layers").get(0);
        assertEquals("application/vnd.dev.cosign.simplesigning.v1+json", layer.path("mediaType").asText());
        byte[] payload = client.blob(reference, layer.path("digest").asText()).orElseThrow();
        assertEquals("{\"critical\":{\"identity\":{\"docker-reference\":\"" + registry.host() + "/slipway/signed\"},"
                + "\"image\":{\"docker-manifest-digest\":\"" + digest + "\"},\"type\":\"cosign container image "
                + "signature\"},\"optional\":null}", new String(payload, StandardCharsets.UTF_8));
        // the signature is DER ECDSA over the payload, as openssl checks it with the public key file
        Path payloadFile = keys.resolve("payload.json");
        Path signatureFile = keys.resolve("payload.sig");
        Files.write(payloadFile, payload);
        Files.write(signatureFile, Base64.getDecoder().decode(
                layer.path("annotations").path("dev.cosignproject.cosign/signature").asText()));
        TestImages.openssl(keys, "dgst", "-sha256", "-verify", keys.resolve("cosign.pub").toString(), "-signature",
                signatureFile.toString(), payloadFile.toString());
    }

    @Test
    void signingAgainWithTheSameKeyKeepsTheSignatureAndAnotherKeyAddsOne() throws Exception {
        String image = image("twice");
        String pinned = TestImages.pinned(image, TestImages.push(client, image, "twice"));
        CosignSignatures.Signed first = signatures.sign(pinned, key);
        ImageReference reference = ImageReference.parse(image);
        String before = client.manifest(reference, first.signatureTag()).orElseThrow().digest();
        assertTrue(signatures.sign(pinned, key).alreadySigned());
        assertEquals(before, client.manifest(reference, first.signatureTag()).orElseThrow().digest());

        assertFalse(signatures.sign(pinned, otherKey).alreadySigned());
        assertEquals(2, client.manifest(reference, first.signatureTag()).orElseThrow().json().path("layers").size());
        signatures.verify(image, publicKey);
        signatures.verify(image, otherPublicKey);
    }

    @Test
    void anUnsignedImageAndAWrongKeyAreNamed() throws Exception {
        String unsigned = image("unsigned");
        String digest = TestImages.push(client, unsigned, "unsigned");
        SignatureProblem none = assertThrows(SignatureProblem.class, () -> signatures.verify(unsigned, publicKey));
        assertEquals(unsigned + " (" + digest + "): not signed (no sha256-" + digest.substring(7) + ".sig in "
                + registry.host() + "/slipway/unsigned)", none.getMessage());

        String other = image("other-key");
        signatures.sign(TestImages.pinned(other, TestImages.push(client, other, "other-key")), otherKey);
        SignatureProblem wrong = assertThrows(SignatureProblem.class, () -> signatures.verify(other, publicKey));
        assertTrue(wrong.getMessage().startsWith(other + " (sha256:"), wrong.getMessage());
        assertTrue(wrong.getMessage().contains("no signature verifies with the key: signature 1: made by another "
                + "key, or its payload was changed"), wrong.getMessage());
    }

    @Test
    void aTagMovedToAnotherImageIsNotSignedAndACopiedSignatureIsRefused() throws Exception {
        String image = image("moved");
        String good = TestImages.push(client, image, "good");
        signatures.sign(TestImages.pinned(image, good), key);
        String evil = TestImages.push(client, image, "evil");
        SignatureProblem moved = assertThrows(SignatureProblem.class, () -> signatures.verify(image, publicKey));
        assertTrue(moved.getMessage().contains(evil + "): not signed"), moved.getMessage());

        // the good image's signature manifest copied to the evil digest's signature tag
        ImageReference reference = ImageReference.parse(image);
        OciRegistry.Manifest copied = client.manifest(reference, CosignSignatures.artifactTag(good, "sig"))
                .orElseThrow();
        client.putManifest(reference, CosignSignatures.artifactTag(evil, "sig"), OciRegistry.OCI_MANIFEST,
                copied.bytes());
        SignatureProblem replayed = assertThrows(SignatureProblem.class, () -> signatures.verify(image, publicKey));
        assertTrue(replayed.getMessage().contains("it signs " + good + ", not this image's " + evil),
                replayed.getMessage());
    }

    @Test
    void problemsListsEveryImageThatIsNotSignedAndNothingForSignedOnes() throws Exception {
        String a = image("list-a");
        String b = image("list-b");
        signatures.sign(TestImages.pinned(a, TestImages.push(client, a, "a")), key);
        TestImages.push(client, b, "b");
        String missing = image("list-missing");
        List<String> problems = signatures.problems(List.of(a, b, missing, b), publicKey);
        assertEquals(2, problems.size(), problems.toString());
        assertTrue(problems.get(0).startsWith(b + " (sha256:") && problems.get(0).contains("not signed"),
                problems.toString());
        assertTrue(problems.get(1).startsWith(missing + ": no such image"), problems.toString());
        assertEquals(List.of(), signatures.problems(List.of(a), publicKey));
    }

    @Test
    void keysComeFromPkcs8FilesAndTheEnvironment(@TempDir Path dir) throws Exception {
        Path[] pair = TestImages.opensslKeyPair(dir, "k");
        Path pkcs8 = dir.resolve("k.pkcs8");
        TestImages.openssl(dir, "pkcs8", "-topk8", "-nocrypt", "-in", pair[0].toString(), "-out", pkcs8.toString());
        SigningKey fromPkcs8 = SigningKeys.privateKey(pkcs8.toString(), Map.of());
        SigningKey fromEnvironment = SigningKeys.privateKey("env://SLIPWAY_TEST_KEY",
                Map.of("SLIPWAY_TEST_KEY", Files.readString(pair[0])));
        ECPublicKey expected = SigningKeys.publicKey(pair[1].toString(), Map.of());
        assertEquals(expected, fromPkcs8.publicKey());
        assertEquals(expected, fromEnvironment.publicKey());
        assertEquals("private key from env://SLIPWAY_TEST_KEY", fromEnvironment.toString());

        String image = image("pkcs8");
        signatures.sign(TestImages.pinned(image, TestImages.push(client, image, "pkcs8")), fromPkcs8);
        signatures.verify(image, SigningKeys.publicKey("env://PUB", Map.of("PUB", Files.readString(pair[1]))));
    }

    @Test
    void unusableKeysAreNamedWithoutTheirContent(@TempDir Path dir) throws Exception {
        Path[] pair = TestImages.opensslKeyPair(dir, "k");
        Path rsa = dir.resolve("rsa.key");
        TestImages.openssl(dir, "genpkey", "-algorithm", "RSA", "-pkeyopt", "rsa_keygen_bits:2048", "-out",
                rsa.toString());
        Path p384 = dir.resolve("p384.key");
        TestImages.openssl(dir, "ecparam", "-name", "secp384r1", "-genkey", "-noout", "-out", p384.toString());
        Path encrypted = dir.resolve("encrypted.key");
        TestImages.openssl(dir, "pkcs8", "-topk8", "-in", pair[0].toString(), "-passout", "pass:x", "-out",
                encrypted.toString());

        List<String> messages = List.of(
                assertThrows(KeyProblem.class, () -> SigningKeys.privateKey(rsa.toString(), Map.of())).getMessage(),
                assertThrows(KeyProblem.class, () -> SigningKeys.privateKey(p384.toString(), Map.of())).getMessage(),
                assertThrows(KeyProblem.class, () -> SigningKeys.privateKey(encrypted.toString(), Map.of()))
                        .getMessage(),
                assertThrows(KeyProblem.class, () -> SigningKeys.publicKey(pair[0].toString(), Map.of())).getMessage(),
                assertThrows(KeyProblem.class, () -> SigningKeys.privateKey("env://NOPE", Map.of())).getMessage(),
                assertThrows(KeyProblem.class, () -> SigningKeys.privateKey(dir.resolve("none").toString(), Map.of()))
                        .getMessage());
        assertTrue(messages.get(0).contains("not an ECDSA P-256"), messages.get(0));
        assertTrue(messages.get(1).contains("not an ECDSA P-256"), messages.get(1));
        assertTrue(messages.get(2).contains("encrypted private key is not read"), messages.get(2));
        assertTrue(messages.get(3).contains("this is a private key"), messages.get(3));
        assertEquals("env://NOPE: the variable NOPE is not set", messages.get(4));
        assertTrue(messages.get(5).endsWith(": no such file"), messages.get(5));
        String shown = String.join("\n", messages) + SigningKeys.privateKey(pair[0].toString(), Map.of());
        for (Path privateKey : List.of(pair[0], rsa, p384)) {
            assertEquals(Optional.empty(), PrivateKeyLines.shownIn(shown, privateKey),
                    "a message or the key's toString shows a line of " + privateKey);
        }
    }

    @Test
    void aRegistryThatWantsCredentialsGetsThemFromTheEnvironment() throws Exception {
        try (LocalRegistry locked = LocalRegistry.startWithHtpasswd("signer", "s3cret-pass")) {
            RegistryCredentials credentials = RegistryCredentials.fromEnvironment(Map.of(
                    RegistryCredentials.USERNAME_VARIABLE, "signer", RegistryCredentials.PASSWORD_VARIABLE,
                    "s3cret-pass", "DOCKER_CONFIG", keys.resolve("no-docker").toString()));
            OciRegistry authenticated = new OciRegistry(credentials, true);
            String image = locked.host() + "/slipway/private:1";
            CosignSignatures signer = new CosignSignatures(authenticated);
            CredentialsOverPlainHttp.allowed(() -> {
                String digest = TestImages.push(authenticated, image, "private");
                signer.sign(TestImages.pinned(image, digest), key);
                return signer.verify(image, publicKey);
            });
            IOException overHttp = assertThrows(IOException.class,
                    () -> new CosignSignatures(new OciRegistry(credentials, true)).verify(image, publicKey));
            assertTrue(overHttp.getMessage().contains("sendCredentialsOverHttp"), overHttp.getMessage());

            OciRegistry anonymous = new OciRegistry(RegistryCredentials.fromEnvironment(Map.of("DOCKER_CONFIG",
                    keys.resolve("no-docker").toString())), true);
            IOException e = assertThrows(IOException.class, () -> CredentialsOverPlainHttp.allowed(
                    () -> new CosignSignatures(anonymous).verify(image, publicKey)));
            assertTrue(e.getMessage().contains("authentication failed"), e.getMessage());
            assertFalse(e.getMessage().contains("s3cret-pass"));
        }
    }
}
