package dev.slipway.locks;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.slipway.packages.debian.IndexCheck;
import java.net.URI;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class PackageSourcesTest {
    private static final Path HERE = Path.of("/work/fleet");

    private static PackageSources configured(String mirror, String keyring, Map<String, String> environment) {
        return PackageSources.configured(Optional.ofNullable(mirror), Optional.ofNullable(keyring), List.of(),
                environment, HERE);
    }

    @Test
    void aMirrorIsCheckedAgainstDebiansKeyringUnlessNamedUnsigned() {
        PackageSources signed = configured("http://deb.example/debian", null, Map.of());
        assertEquals(IndexCheck.debianArchive(), signed.debianCheck());
        assertEquals(URI.create("http://deb.example/debian"), signed.debianMirror().orElseThrow());

        PackageSources unsigned = configured("unsigned:repo", null, Map.of());
        assertEquals(IndexCheck.unsigned(), unsigned.debianCheck());
        assertEquals(Path.of("/work/fleet/repo").toUri(), unsigned.debianMirror().orElseThrow());

        PackageSources fromEnvironment = configured(null, null, Map.of(PackageSources.DEBIAN_MIRROR_VARIABLE,
                "unsigned:http://127.0.0.1:8080/", PackageSources.DEBIAN_KEYRING_VARIABLE, "ignored.gpg"));
        assertEquals(URI.create("http://127.0.0.1:8080/"), fromEnvironment.debianMirror().orElseThrow());
    }

    @Test
    void aKeyringComesFromTheOptionOrTheEnvironment() {
        assertEquals(IndexCheck.signedBy(Path.of("/work/fleet/keys/archive.gpg")),
                configured("http://deb.example/", "keys/archive.gpg", Map.of()).debianCheck());
        assertEquals(IndexCheck.signedBy(Path.of("/etc/other.gpg")), configured("http://deb.example/", null,
                Map.of(PackageSources.DEBIAN_KEYRING_VARIABLE, "/etc/other.gpg")).debianCheck());
    }

    @Test
    void anUnsignedMirrorTakesNoKeyringAndNeedsAMirror() {
        IllegalArgumentException both = assertThrows(IllegalArgumentException.class,
                () -> configured("unsigned:repo", "keys/archive.gpg", Map.of()));
        assertTrue(both.getMessage().contains("is named unsigned, so no keyring"), both.getMessage());
        IllegalArgumentException empty = assertThrows(IllegalArgumentException.class,
                () -> configured("unsigned:", null, Map.of()));
        assertTrue(empty.getMessage().contains("needs the mirror after it"), empty.getMessage());
    }
}
