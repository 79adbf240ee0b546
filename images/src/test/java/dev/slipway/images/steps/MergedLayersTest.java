package dev.slipway.images.steps;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.util.ArrayList;
import java.util.List;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveOutputStream;
import org.apache.commons.compress.archivers.tar.TarConstants;
import org.apache.commons.compress.compressors.gzip.GzipCompressorOutputStream;
import org.apache.commons.compress.compressors.zstandard.ZstdCompressorOutputStream;
import org.junit.jupiter.api.Test;

/** Whether /usr/bin/tini survives a stack of layers, as overlayfs would show it (layers listed bottom first). */
class MergedLayersTest {

    @Test
    void aFileOrALinkInAnyLayerCounts() throws IOException {
        assertTrue(has(layer(file("usr/bin/tini"))));
        assertTrue(has(layer(symlink("usr/bin/tini", "tini-static"), file("usr/bin/tini-static"))));
        assertTrue(has(layer(file("./usr/bin/tini")), layer(file("etc/motd"))), "names with ./ as docker save has");
        assertTrue(has(gzip(layer(file("usr/bin/tini")))));
        assertTrue(has(zstd(layer(file("usr/bin/tini")))));
    }

    @Test
    void aMissingFileOrADirectoryOfThatNameDoesNot() throws IOException {
        assertFalse(has(layer(file("usr/bin/python3"), file("usr/bin/tini-static"))));
        assertFalse(has(layer(directory("usr/bin/tini/"))));
        assertFalse(has());
    }

    @Test
    void aWhiteoutInALaterLayerRemovesIt() throws IOException {
        assertFalse(has(layer(file("usr/bin/tini")), layer(file("usr/bin/.wh.tini"))));
        assertFalse(has(layer(file("usr/bin/tini")), layer(file("usr/.wh.bin"))), "its folder removed");
        assertFalse(has(layer(file("usr/bin/tini")), layer(file("usr/bin/.wh..wh..opq"), file("usr/bin/sh"))),
                "an opaque folder hides what lower layers had in it");
        assertFalse(has(layer(file("usr/bin/tini")), layer(file("usr/bin"))), "a file where its folder was");
        assertFalse(has(layer(file("usr/bin/tini")), gzip(layer(file("usr/bin/.wh.tini"))), layer(file("etc/x"))));
    }

    @Test
    void aWhiteoutCountsOnlyForLowerLayers() throws IOException {
        assertTrue(has(layer(file("usr/bin/.wh.tini")), layer(file("usr/bin/tini"))), "added after the removal");
        assertTrue(has(layer(file("usr/bin/tini")), layer(file("usr/bin/.wh..wh..opq"), file("usr/bin/tini"))),
                "an opaque folder keeps its own layer's files");
        assertTrue(has(layer(file("usr/bin/tini")), layer(file("usr/bin/.wh.tini-static"))), "another name");
        assertTrue(has(layer(file("usr/bin/tini")), layer(file("usr/.wh.binaries"))), "another folder");
    }

    @Test
    void readsFromTheTopAndStopsAtTheLayerThatDecides() throws IOException {
        List<String> opened = new ArrayList<>();
        List<MergedLayers.Layer> topDown = List.of(
                opening(opened, "top", layer(file("etc/motd"))),
                opening(opened, "middle", layer(file("usr/bin/tini"))),
                opening(opened, "bottom", layer(file("usr/bin/tini"))));
        assertTrue(MergedLayers.contains("/usr/bin/tini", topDown));
        assertEquals(List.of("top", "middle"), opened);
    }

    /** Layers bottom first, as a manifest lists them. */
    private static boolean has(byte[]... bottomFirst) throws IOException {
        List<MergedLayers.Layer> topDown = new ArrayList<>();
        for (int i = bottomFirst.length - 1; i >= 0; i--) {
            byte[] bytes = bottomFirst[i];
            topDown.add(() -> new ByteArrayInputStream(bytes));
        }
        return MergedLayers.contains("/usr/bin/tini", topDown);
    }

    private static MergedLayers.Layer opening(List<String> opened, String name, byte[] bytes) {
        return () -> {
            opened.add(name);
            return new ByteArrayInputStream(bytes);
        };
    }

    private static TarArchiveEntry file(String name) {
        TarArchiveEntry entry = new TarArchiveEntry(name);
        entry.setSize(3);
        return entry;
    }

    private static TarArchiveEntry directory(String name) {
        return new TarArchiveEntry(name);
    }

    private static TarArchiveEntry symlink(String name, String target) {
        TarArchiveEntry entry = new TarArchiveEntry(name, TarConstants.LF_SYMLINK);
        entry.setLinkName(target);
        return entry;
    }

    private static byte[] layer(TarArchiveEntry... entries) throws IOException {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (TarArchiveOutputStream tar = new TarArchiveOutputStream(bytes)) {
            for (TarArchiveEntry entry : entries) {
                tar.putArchiveEntry(entry);
                if (entry.getSize() > 0) {
                    tar.write("abc".getBytes());
                }
                tar.closeArchiveEntry();
            }
        }
        return bytes.toByteArray();
    }

    private static byte[] gzip(byte[] tar) throws IOException {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (OutputStream out = new GzipCompressorOutputStream(bytes)) {
            out.write(tar);
        }
        return bytes.toByteArray();
    }

    private static byte[] zstd(byte[] tar) throws IOException {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (OutputStream out = new ZstdCompressorOutputStream(bytes)) {
            out.write(tar);
        }
        return bytes.toByteArray();
    }
}
