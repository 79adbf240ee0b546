package dev.slipway.runner;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.slipway.dsl.FleetSpec;
import dev.slipway.dsl.Service;
import dev.slipway.fleet.FleetDefinition;
import dev.slipway.images.SlipwayCache;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.FileTime;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A {@code .java} definition's classes are reused from Slipway's cache only while they are exactly what javac gives. */
class CompiledDefinitionCacheTest {

    /** A definition with an inner class, so an entry holds more than one class file. */
    private static Path writeFleet(Path dir, int servicePort) throws IOException {
        Files.createDirectories(dir);
        Path definition = dir.resolve("TinyFleet.java");
        Files.writeString(definition, """
                import static dev.slipway.dsl.Slipway.*;
                import dev.slipway.dsl.*;

                public final class TinyFleet implements FleetDefinitionSource {
                    static final Family BASE = family("tiny-base").from(Base.scratch());

                    static final class Ports {
                        static final int SERVICE = %d;
                    }

                    @Override
                    public FleetSpec define() {
                        MachineProfile box = machine("box");
                        return fleet("tiny").registry("registry.example/acme").machines(box)
                                .services(service("web").family(BASE).ports(Ports.SERVICE, 8100).on(box));
                    }
                }
                """.formatted(servicePort));
        return definition;
    }

    private static FleetSpec load(Path definition, Path cache) {
        return FleetSource.load(definition.toString(), Optional.empty(), new SlipwayCache(cache)).spec();
    }

    private static List<Path> entries(Path cache) throws IOException {
        Path root = cache.resolve(CompiledDefinitionCache.FOLDER);
        if (!Files.isDirectory(root)) {
            return List.of();
        }
        try (Stream<Path> children = Files.list(root)) {
            return children.sorted().toList();
        }
    }

    private static Path entryOf(Path definition, Path cache) throws IOException {
        return cache.resolve(CompiledDefinitionCache.FOLDER)
                .resolve(CompiledDefinitionCache.key(Files.readAllBytes(definition)));
    }

    private static int servicePort(FleetSpec spec) {
        return spec.services().get(0).servicePort();
    }

    @Test
    void aSecondLoadTakesTheClassesFromTheCacheInsteadOfCompiling(@TempDir Path dir) throws IOException {
        Path cache = dir.resolve("cache");
        Path a = writeFleet(dir.resolve("a"), 7100);
        Path b = writeFleet(dir.resolve("b"), 7200);
        FleetSpec first = load(a, cache);
        assertEquals(7100, servicePort(first));
        assertEquals(first, load(a, cache));
        Path entry = entryOf(a, cache);
        assertEquals(List.of(entry), entries(cache));
        assertEquals(List.of("TinyFleet$Ports.class", "TinyFleet.class", CompiledDefinitionCache.CHECKSUMS),
                fileNames(entry));

        // plant b's classes under a's key: a load of a that still gave 7100 would have run javac
        assertEquals(7200, servicePort(load(b, cache)));
        for (Path file : filesOf(entryOf(b, cache))) {
            Files.copy(file, entry.resolve(file.getFileName()), StandardCopyOption.REPLACE_EXISTING);
        }
        assertEquals(7200, servicePort(load(a, cache)));
    }

    @Test
    void aDefinitionRefusedForACredentialIsNotKeptInTheCache(@TempDir Path dir) throws IOException {
        Path cache = dir.resolve("cache");
        StringBuilder token = new StringBuilder("hf_");
        java.util.Random random = new java.util.Random(18);
        String letters = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";
        for (int i = 0; i < 34; i++) {
            token.append(letters.charAt(random.nextInt(letters.length())));
        }
        Path definition = writeFleet(dir, 7100);
        Files.writeString(definition, Files.readString(definition)
                .replace(".on(box)", ".env(\"HUB_AUTH\", \"" + token + "\").on(box)"));

        for (int run = 0; run < 2; run++) {
            FleetSource source = FleetSource.load(definition.toString(), Optional.empty(), new SlipwayCache(cache));
            assertEquals(FleetSource.COMPILED, source.provenance(), "never from the cache");
            var refused = assertThrows(dev.slipway.validation.InvalidFleetException.class, source::compile);
            assertTrue(refused.problems().toString().contains("the value of HUB_AUTH looks like a credential"),
                    refused.problems().toString());
        }
        assertEquals(List.of(), entries(cache));
        assertFalse(Files.exists(entryOf(definition, cache)));
    }

    @Test
    void anEditedDefinitionMissesTheCacheAndGivesTheNewFleet(@TempDir Path dir) throws IOException {
        Path cache = dir.resolve("cache");
        Path definition = writeFleet(dir, 7100);
        assertEquals(7100, servicePort(load(definition, cache)));
        writeFleet(dir, 7300);
        assertEquals(7300, servicePort(load(definition, cache)));
        assertEquals(2, entries(cache).size());
    }

    @Test
    void anEditedCopyOfTheBuiltInDefinitionWinsOverTheJarsAlsoFromTheCache(@TempDir Path dir) throws IOException {
        Path cache = dir.resolve("cache");
        Path edited = dir.resolve("FleetDefinition.java");
        Files.writeString(edited,
                Files.readString(CliTest.SEED_DEFINITION).replace("ports(5560, 6560)", "ports(5561, 6560)"));
        FleetSpec builtIn = new FleetDefinition().define();
        FleetSpec compiled = load(edited, cache);
        FleetSpec cached = load(edited, cache);
        assertEquals(1, entries(cache).size());
        for (FleetSpec spec : List.of(compiled, cached)) {
            assertNotEquals(builtIn, spec);
            assertEquals(5561, service(spec, "affective_processing_center").servicePort());
        }
        assertEquals(5560, service(builtIn, "affective_processing_center").servicePort());
        assertEquals(compiled, cached);
    }

    @Test
    void aClassFileThatDoesNotMatchItsChecksumIsCompiledAgainAndTheEntryRepaired(@TempDir Path dir)
            throws IOException {
        assertDamageIsRepaired(dir, entry -> Files.write(entry.resolve("TinyFleet.class"), new byte[]{(byte) 0xCA}));
    }

    @Test
    void aMissingClassFileIsCompiledAgainAndTheEntryRepaired(@TempDir Path dir) throws IOException {
        assertDamageIsRepaired(dir, entry -> Files.delete(entry.resolve("TinyFleet$Ports.class")));
    }

    @Test
    void anEntryWithoutChecksumsIsCompiledAgainAndRepaired(@TempDir Path dir) throws IOException {
        assertDamageIsRepaired(dir, entry -> Files.delete(entry.resolve(CompiledDefinitionCache.CHECKSUMS)));
    }

    @Test
    void bytesThatMatchTheirChecksumButAreNoClassFileAreCompiledAgainAndRepaired(@TempDir Path dir)
            throws IOException {
        assertDamageIsRepaired(dir, entry -> {
            byte[] garbage = "not a class file".getBytes();
            Files.write(entry.resolve("TinyFleet.class"), garbage);
            String checksums = Files.readString(entry.resolve(CompiledDefinitionCache.CHECKSUMS));
            String line = checksums.lines().filter(l -> l.endsWith("  TinyFleet.class")).findFirst().orElseThrow();
            Files.writeString(entry.resolve(CompiledDefinitionCache.CHECKSUMS), checksums.replace(line,
                    HexFormat.of().formatHex(java.security.MessageDigest.getInstance("SHA-256").digest(garbage))
                            + "  TinyFleet.class"));
        });
    }

    @Test
    void checksumsNamingAFileOutsideTheEntryAreIgnoredAndTheEntryRepaired(@TempDir Path dir) throws IOException {
        assertDamageIsRepaired(dir, entry -> {
            Path checksums = entry.resolve(CompiledDefinitionCache.CHECKSUMS);
            Files.writeString(checksums,
                    Files.readString(checksums).replace("  TinyFleet.class", "  ../../TinyFleet.class"));
            Files.copy(entry.resolve("TinyFleet.class"), entry.getParent().resolveSibling("TinyFleet.class"));
            Files.delete(entry.resolve("TinyFleet.class"));
        });
    }

    private interface Damage {
        void to(Path entry) throws Exception;
    }

    private static void assertDamageIsRepaired(Path dir, Damage damage) throws IOException {
        Path cache = dir.resolve("cache");
        Path definition = writeFleet(dir, 7100);
        FleetSpec original = load(definition, cache);
        Path entry = entryOf(definition, cache);
        Map<String, byte[]> whole = new CompiledDefinitionCache(new SlipwayCache(cache))
                .read(entry.getFileName().toString()).orElseThrow();
        try {
            damage.to(entry);
        } catch (Exception e) {
            throw new AssertionError("could not damage the entry", e);
        }
        assertEquals(original, load(definition, cache));
        Map<String, byte[]> repaired = new CompiledDefinitionCache(new SlipwayCache(cache))
                .read(entry.getFileName().toString()).orElseThrow(() -> new AssertionError("entry not repaired"));
        assertEquals(whole.keySet(), repaired.keySet());
        whole.forEach((name, bytes) -> assertEquals(HexFormat.of().formatHex(bytes),
                HexFormat.of().formatHex(repaired.get(name)), name));
        assertEquals(List.of(entry), entries(cache), "no leftover temporary or damaged folder");
    }

    @Test
    void anUnwritableCacheStillLoadsTheFleet(@TempDir Path dir) throws IOException {
        // a file where the cache folder should be: no run as any user can create the cache below it
        Path cache = Files.writeString(dir.resolve("cache"), "in the way");
        Path definition = writeFleet(dir.resolve("fleet"), 7100);
        assertEquals(7100, servicePort(load(definition, cache)));
        assertEquals(7100, servicePort(load(definition, cache)));
        assertEquals("in the way", Files.readString(cache));
    }

    @Test
    void aDefinitionThatDoesNotCompileIsReportedAsBeforeAndNeverCached(@TempDir Path dir) throws IOException {
        Path cache = dir.resolve("cache");
        Path definition = writeFleet(dir, 7100);
        Files.writeString(definition,
                Files.readString(definition).replace("ports(Ports.SERVICE, 8100)", "ports(\"web\")"));
        long line = Files.readString(definition).lines().takeWhile(l -> !l.contains("ports(\"web\")")).count() + 1;
        for (int run = 0; run < 2; run++) {
            UserError error = assertThrows(UserError.class, () -> load(definition, cache));
            assertTrue(error.lines().get(0).startsWith(definition + ":" + line + ": error: "), error.lines().get(0));
            assertEquals("the fleet definition does not compile; nothing was changed.", error.lines().get(1));
        }
        assertEquals(List.of(), entries(cache));
    }

    @Test
    void concurrentFirstLoadsAllSucceedAndLeaveOneEntry(@TempDir Path dir) throws Exception {
        Path cache = dir.resolve("cache");
        Path definition = writeFleet(dir, 7100);
        ExecutorService pool = Executors.newFixedThreadPool(4);
        try {
            List<Callable<FleetSpec>> loads = new ArrayList<>();
            for (int i = 0; i < 4; i++) {
                loads.add(() -> load(definition, cache));
            }
            for (Future<FleetSpec> spec : pool.invokeAll(loads)) {
                assertEquals(7100, servicePort(spec.get()));
            }
        } finally {
            pool.shutdownNow();
        }
        assertEquals(List.of(entryOf(definition, cache)), entries(cache));
    }

    @Test
    void theLeastRecentlyUsedEntriesAreEvicted(@TempDir Path dir) throws IOException {
        CompiledDefinitionCache cache = new CompiledDefinitionCache(new SlipwayCache(dir));
        Map<String, byte[]> classes = Map.of("Tiny", new byte[]{1});
        for (int i = 0; i < CompiledDefinitionCache.MAX_ENTRIES; i++) {
            String key = "entry-" + i;
            cache.write(key, classes);
            Files.setLastModifiedTime(cache.root().resolve(key), FileTime.fromMillis(1_000_000L * (i + 1)));
        }
        assertTrue(cache.read("entry-0").isPresent(), "a hit marks entry-0 as the most recently used");
        cache.write("newest", classes);
        assertEquals(CompiledDefinitionCache.MAX_ENTRIES, entries(dir).size());
        assertTrue(cache.read("entry-0").isPresent());
        assertTrue(cache.read("newest").isPresent());
        assertFalse(Files.exists(cache.root().resolve("entry-1")), "the least recently used is gone");
    }

    private static Service service(FleetSpec spec, String name) {
        return spec.services().stream().filter(s -> s.name().equals(name)).findFirst().orElseThrow();
    }

    private static List<Path> filesOf(Path folder) throws IOException {
        try (Stream<Path> files = Files.list(folder)) {
            return files.sorted().toList();
        }
    }

    private static List<String> fileNames(Path folder) throws IOException {
        return filesOf(folder).stream().map(p -> p.getFileName().toString()).toList();
    }
}
