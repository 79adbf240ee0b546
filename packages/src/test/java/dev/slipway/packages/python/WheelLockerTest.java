package dev.slipway.packages.python;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.slipway.packages.layer.LayerEntry;
import dev.slipway.packages.layer.LayerTree;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Locks written from pinned lists against several indexes served over loopback, from wheels built here. */
class WheelLockerTest {
    static final WheelTarget TARGET = WheelTarget.usrLocal("3.11")
            .withSitePackages("/usr/local/lib/python3.11/dist-packages");
    static final Map<String, WheelLocker.Provided> LINEAGE = Map.of("numpy",
            new WheelLocker.Provided("numpy", "1.24.2", "base-cpu-pydeps"));

    @TempDir
    Path work;

    Path a;
    Path b;
    Path c;

    private void wheels() throws Exception {
        a = Files.createDirectories(work.resolve("index-a"));
        b = Files.createDirectories(work.resolve("index-b"));
        c = Files.createDirectories(work.resolve("index-c"));
        List<String> alphaNeeds = List.of("numpy>=1.20", "gamma; python_version < \"3.8\"",
                "delta (>=3) ; extra == 'fast'");
        TestWheels.wheel(a, "alpha", "1.0", "cp311-cp311-manylinux_2_17_x86_64", Map.of("alpha/__init__.py", "A = 1\n"),
                alphaNeeds, 0);
        TestWheels.wheel(a, "alpha", "1.0", "py3-none-any", Map.of("alpha/__init__.py", "A = 'pure'\n"), alphaNeeds, 0);
        TestWheels.wheel(a, "alpha", "1.0", "cp311-cp311-win_amd64", Map.of("alpha/__init__.py", "A = 'win'\n"),
                alphaNeeds, 0);
        TestWheels.wheel(a, "alpha", "1.1", "cp311-cp311-manylinux_2_17_x86_64", Map.of("alpha/__init__.py", "A = 2\n"),
                List.of(), 0);
        TestWheels.wheel(b, "beta", "2.0+cu121", "cp311-cp311-linux_x86_64", Map.of("beta/__init__.py", "B = 1\n"),
                List.of("alpha==1.0", "epsilon<2,>=1.0; sys_platform == \"linux\" and platform_machine == \"x86_64\""),
                0);
        TestWheels.wheel(c, "epsilon", "1.5", "py3-none-any", Map.of("epsilon.py", "E = 1.5\n"), List.of(), 0);
        TestWheels.wheel(c, "epsilon", "2.1", "py3-none-any", Map.of("epsilon.py", "E = 2.1\n"), List.of(), 0);
    }

    private static String hash(Path file) throws Exception {
        return WheelSource.sha256(file);
    }

    @Test
    void aLockFromThreeIndexesPinsTheFittingWheelsByTheirHashesAndRerunsByteIdentical() throws Exception {
        wheels();
        try (LoopbackIndex json = new LoopbackIndex(a, LoopbackIndex.Style.JSON);
                LoopbackIndex html = new LoopbackIndex(b, LoopbackIndex.Style.HTML);
                LoopbackIndex bare = new LoopbackIndex(c, LoopbackIndex.Style.HTML_WITHOUT_HASHES)) {
            PinnedList pinned = PinnedList.parse("# as pip freeze prints it\n--index-url " + json.url() + "\n"
                    + "--extra-index-url " + html.url() + "\n--extra-index-url=" + bare.url() + "\n"
                    + "epsilon==1.5\nbeta==2.0+cu121\nalpha==1.0\n");
            List<WheelSource> sources = pinned.indexes().stream().map(WheelSource::index).toList();
            String first = new WheelLocker(sources, TARGET, work.resolve("dl-1"))
                    .lock(pinned, pinned.indexes(), LINEAGE)
                    .write("locks/x.requirements.txt");
            assertEquals("# slipway wheel lock v1, written by `lock` from locks/x.requirements.txt; edit that list and "
                    + "lock again, not this file\n"
                    + "--index-url " + json.url() + "\n--extra-index-url " + html.url() + "\n--extra-index-url "
                    + bare.url() + "\n"
                    + "alpha==1.0 \\\n    --hash=sha256:"
                    + hash(a.resolve("alpha-1.0-cp311-cp311-manylinux_2_17_x86_64.whl")) + "\n"
                    + "beta==2.0+cu121 \\\n    --hash=sha256:"
                    + hash(b.resolve("beta-2.0+cu121-cp311-cp311-linux_x86_64.whl")) + "\n"
                    + "epsilon==1.5 \\\n    --hash=sha256:" + hash(c.resolve("epsilon-1.5-py3-none-any.whl")) + "\n",
                    first);
            // JSON states hashes and serves metadata: nothing downloaded; HTML without metadata: the wheel is read
            assertEquals(0, json.wheelDownloads.get());
            assertEquals(1, html.wheelDownloads.get());
            assertEquals(1, bare.wheelDownloads.get());

            String again = new WheelLocker(sources, TARGET, work.resolve("dl-2"))
                    .lock(pinned, pinned.indexes(), LINEAGE)
                    .write("locks/x.requirements.txt");
            assertEquals(first, again);

            // the lock names its indexes and build honours them: every wheel installs from the three
            WheelLock lock = WheelLock.parse(first);
            assertEquals(pinned.indexes(), lock.indexes());
            LayerTree tree = new WheelInstaller(lock.indexes().stream().map(WheelSource::index).toList(), TARGET,
                    work.resolve("dl-install")).install(lock);
            for (String path : List.of("alpha/__init__.py", "beta/__init__.py", "epsilon.py")) {
                LayerEntry e = tree.get("usr/local/lib/python3.11/dist-packages/" + path)
                        .orElseThrow(() -> new AssertionError(path));
                assertTrue(e.content().size() > 0);
            }
            assertEquals("A = 1\n", new String(tree.get("usr/local/lib/python3.11/dist-packages/alpha/__init__.py")
                    .orElseThrow().content().bytes()));
        }
    }

    @Test
    void everyUnsatisfiedRequirementAndUnlockablePinIsReportedByNameAndRange() throws Exception {
        wheels();
        try (LoopbackIndex json = new LoopbackIndex(a, LoopbackIndex.Style.JSON);
                LoopbackIndex html = new LoopbackIndex(b, LoopbackIndex.Style.HTML);
                LoopbackIndex bare = new LoopbackIndex(c, LoopbackIndex.Style.HTML)) {
            PinnedList pinned = PinnedList.parse("--index-url " + json.url() + "\n--extra-index-url " + html.url()
                    + "\n--extra-index-url " + bare.url()
                    + "\nbeta==2.0+cu121\nepsilon==2.1\nzeta==1.0\nnumpy==1.26.4\n");
            WheelProblems problems = assertThrows(WheelProblems.class, () -> new WheelLocker(
                    pinned.indexes().stream().map(WheelSource::index).toList(), TARGET, work.resolve("dl"))
                    .lock(pinned, pinned.indexes(), LINEAGE));
            List<String> found = problems.problems();
            assertEquals(4, found.size(), found.toString());
            assertTrue(found.stream()
                    .anyMatch(p -> p.startsWith("beta==2.0+cu121 (beta-2.0+cu121-cp311-cp311-linux_x86_64.whl)"
                            + " requires 'alpha==1.0': 'alpha' (==1.0) is neither pinned in the list nor installed by the family's "
                            + "lineage")),
                    found.toString());
            assertTrue(found.stream().anyMatch(p -> p.contains("requires 'epsilon<2,>=1.0': 'epsilon' <2,>=1.0 is not "
                    + "satisfied by 2.1 (pinned in the list)")), found.toString());
            assertTrue(
                    found.stream().anyMatch(p -> p.startsWith("zeta==1.0: no wheel for CPython 3.11 on linux x86_64")),
                    found.toString());
            assertTrue(found.stream()
                    .anyMatch(p -> p.equals("numpy==1.26.4: 'numpy' 1.24.2 is already installed by family "
                            + "'base-cpu-pydeps'; a family never re-installs what its lineage has, take it out of the list")),
                    found.toString());
        }
    }

    @Test
    void aPinnedListRefusesRangesAndUnknownOptionsAndALockRefusesWhatItCannotHonour() {
        WheelProblems list = assertThrows(WheelProblems.class, () -> PinnedList.parse(
                "torch>=2.2\n--trusted-host example\nnumpy==1.26.4; python_version>'3'\n"));
        assertEquals(3, list.problems().size(), list.problems().toString());
        assertTrue(list.problems().get(0).contains("'torch' is not pinned"), list.problems().toString());
        WheelProblems lock = assertThrows(WheelProblems.class, () -> WheelLock.parse(
                "--trusted-host pypi.example\n--no-binary :all:\n"));
        assertTrue(lock.problems().get(0).contains("--trusted-host"), lock.problems().toString());
        assertTrue(lock.problems().get(1).contains("wheels only"), lock.problems().toString());
    }

    @Test
    void versionsSpecifiersAndMarkersFollowPep440And508() {
        assertTrue(Specifier.parse("==2.2.2").accepts(PythonVersion.parse("2.2.2+cu121")));
        assertTrue(!Specifier.parse("==2.2.2+cu118").accepts(PythonVersion.parse("2.2.2+cu121")));
        assertTrue(Specifier.parse("~=1.4.2").accepts(PythonVersion.parse("1.4.9")));
        assertTrue(!Specifier.parse("~=1.4.2").accepts(PythonVersion.parse("1.5")));
        assertTrue(Specifier.parse("==1.2.*").accepts(PythonVersion.parse("1.2.7")));
        assertTrue(!Specifier.parse(">=1.0").accepts(PythonVersion.parse("2.0rc1")));
        assertTrue(Specifier.parse(">=2.0rc1").accepts(PythonVersion.parse("2.0rc2")));
        assertTrue(PythonVersion.parse("1.0.dev1").compareTo(PythonVersion.parse("1.0a1")) < 0);
        assertTrue(PythonVersion.parse("1.0a1").compareTo(PythonVersion.parse("1.0")) < 0);
        assertTrue(PythonVersion.parse("1.0").compareTo(PythonVersion.parse("1.0.post1")) < 0);
        assertEquals(0, PythonVersion.parse("1.0").compareTo(PythonVersion.parse("1.0.0")));
        Map<String, String> env = Marker.linux("3.11", "x86_64");
        assertTrue(Marker.evaluate("python_version >= \"3.8\" and (sys_platform == 'linux' or os_name == 'nt')", env));
        assertTrue(!Marker.evaluate("python_version < '3.10'", env));
        assertTrue(!Marker.evaluate("extra == 'fast'", env));
        assertTrue(Marker.evaluate("platform_machine in 'x86_64 aarch64' and 'linux' == sys_platform", env));
        assertTrue(!Marker.evaluate("platform_system not in \"Linux Darwin\"", env));
    }
}
