package dev.slipway.images.supplychain;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.slipway.images.Sha256;
import java.nio.charset.StandardCharsets;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** The rendered SBOM's bytes, pinned: a build trusts an SBOM recorded as attached only while they stay the same. */
class ImageSbomTest {
    private static final String DIGEST = "sha256:" + "5e".repeat(32);

    @Test
    void theBytesOfFormatOneStayTheSame() throws Exception {
        byte[] packaged = "{\"components\":[{\"type\":\"library\",\"name\":\"tini\",\"version\":\"0.19.0-1\"}]}"
                .getBytes(StandardCharsets.UTF_8);
        byte[] sbom = ImageSbom.render(AttachedSbomsTest.plan("registry.example/slipway/base-python:1"), DIGEST,
                Optional.empty(), Optional.of(packaged));
        assertEquals("1", ImageSbom.FORMAT);
        assertEquals("411f304b6cb3dfe97b25209c82f9cce5950ec8fa78c8e3b2aa9daeb74e8afc0b", Sha256.hex(sbom),
                "ImageSbom.render writes other bytes: bump ImageSbom.FORMAT, so that SBOMs recorded as attached are "
                        + "attached again, and pin the new bytes here");
    }
}
