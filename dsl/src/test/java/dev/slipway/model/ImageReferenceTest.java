package dev.slipway.model;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.Optional;
import org.junit.jupiter.api.Test;

class ImageReferenceTest {

    @Test
    void aRegistryWithAPortIsNotATag() {
        ImageReference untagged = ImageReference.parse("127.0.0.1:5000/slipway/alpha");
        assertEquals("127.0.0.1:5000/slipway/alpha", untagged.repository());
        assertEquals("127.0.0.1:5000", untagged.registry());
        assertEquals(Optional.empty(), untagged.tag());
        assertEquals(Optional.empty(), untagged.tagAndDigest());
    }

    @Test
    void whatFollowsTheRepositoryIsTheTagTheDigestOrBoth() {
        String digest = "sha256:" + "a".repeat(64);
        assertEquals(Optional.of("v1"), ImageReference.parse("127.0.0.1:5000/slipway/alpha:v1").tagAndDigest());
        assertEquals(Optional.of(digest), ImageReference.parse("ghcr.io/o/alpha@" + digest).tagAndDigest());
        ImageReference both = ImageReference.parse("ghcr.io/o/alpha:v1@" + digest);
        assertEquals("ghcr.io/o/alpha", both.repository());
        assertEquals(Optional.of("v1@" + digest), both.tagAndDigest());
        assertEquals("ghcr.io/o/alpha@sha256:" + "b".repeat(64), both.pinnedTo("sha256:" + "b".repeat(64)));
    }
}
