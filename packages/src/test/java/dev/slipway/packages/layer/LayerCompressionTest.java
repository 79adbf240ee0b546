package dev.slipway.packages.layer;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class LayerCompressionTest {

    @Test
    void zstdIsRefusedForEnginesBeforeDocker23() {
        assertTrue(LayerCompression.ZSTD.refusalFor("20.10.24").orElseThrow().contains("20.10.24"));
        assertTrue(LayerCompression.ZSTD.refusalFor("22.06.0-beta.0").isPresent());
        assertTrue(LayerCompression.ZSTD.refusalFor("23.0.0").isEmpty());
        assertTrue(LayerCompression.ZSTD.refusalFor("26.1.5+dfsg1").isEmpty());
        assertTrue(LayerCompression.ZSTD.refusalFor("v27.3.1").isEmpty());
        assertTrue(LayerCompression.ZSTD.refusalFor("unknown").orElseThrow().contains("not a version number"));
    }

    @Test
    void gzipIsPulledByEveryEngine() {
        assertTrue(LayerCompression.GZIP.refusalFor("1.13.1").isEmpty());
    }

    @Test
    void parseNamesWhatItAccepts() {
        assertEquals(LayerCompression.ZSTD, LayerCompression.parse("zstd"));
        assertEquals(LayerCompression.GZIP, LayerCompression.parse(" GZIP "));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> LayerCompression.parse("xz"));
        assertTrue(e.getMessage().contains("[gzip, zstd]"), e.getMessage());
    }
}
