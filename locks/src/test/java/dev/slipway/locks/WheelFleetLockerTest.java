package dev.slipway.locks;

import static dev.slipway.dsl.DebianSuite.BOOKWORM;
import static dev.slipway.dsl.Slipway.family;
import static dev.slipway.dsl.Slipway.fleet;
import static dev.slipway.dsl.Slipway.machine;
import static dev.slipway.dsl.Slipway.service;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.slipway.dsl.Base;
import dev.slipway.dsl.Family;
import dev.slipway.dsl.MachineProfile;
import dev.slipway.packages.python.WheelLock;
import dev.slipway.packages.python.WheelSource;
import dev.slipway.validation.Fleet;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A fleet's wheel families locked parents first from their pinned lists, against a directory of wheels. */
class WheelFleetLockerTest {
    static final MachineProfile BOX = machine("box");

    @TempDir
    Path fleetDirectory;

    Path wheels;

    /** os (Debian python3.11, locked by hand here), gpu (wheels) → torch (wheels), each with a pinned list. */
    private Fleet fleetWith(String gpuList, String torchList) throws Exception {
        Family os = family("os").from(Base.scratch()).debian(BOOKWORM, "python3");
        Family gpu = family("gpu").parent(os).wheels("locks/gpu.requirements.lock");
        Family torch = family("torch").parent(gpu).wheels("locks/torch.requirements.lock");
        Path locks = Files.createDirectories(fleetDirectory.resolve("locks"));
        Files.writeString(locks.resolve("os.debian.lock"), "# slipway debian lock v1\nfamily os\n"
                + "source file:.debian-repo/ ./ amd64\n"
                + "package python3.11-minimal 3.11.2-6+deb12u9 amd64 1 " + "ab".repeat(32)
                + " ./python3.11-minimal_3.11.2-6+deb12u9_amd64.deb\n"
                + "package python3-typing-extensions 4.4.0-1 all 1 " + "cd".repeat(32)
                + " ./python3-typing-extensions_4.4.0-1_all.deb\n");
        Files.writeString(locks.resolve("gpu.requirements.txt"), gpuList);
        if (torchList != null) {
            Files.writeString(locks.resolve("torch.requirements.txt"), torchList);
        }
        wheels = Files.createDirectories(fleetDirectory.resolve("wheels"));
        wheel("runtime_cu12", "12.1.105", List.of());
        wheel("torch", "2.2.2+cu121", List.of("runtime-cu12==12.1.105; platform_system == \"Linux\"",
                "typing-extensions>=4.0", "sympy"));
        wheel("sympy", "1.12", List.of());
        return Fleet.compile(fleet("t").registry("127.0.0.1:5000/org").machines(BOX).families(os, gpu, torch)
                .services(service("s").family(torch).ports(5000, 6000).on(BOX))).orThrow();
    }

    private Path wheel(String dist, String version, List<String> requires) throws Exception {
        Map<String, String> files = new LinkedHashMap<>();
        String info = dist + "-" + version + ".dist-info/";
        files.put(dist + "/__init__.py", "");
        StringBuilder metadata = new StringBuilder("Metadata-Version: 2.1\nName: " + dist + "\nVersion: " + version
                + "\n");
        requires.forEach(r -> metadata.append("Requires-Dist: ").append(r).append('\n'));
        files.put(info + "METADATA", metadata.toString());
        files.put(info + "WHEEL", "Wheel-Version: 1.0\nRoot-Is-Purelib: true\nTag: py3-none-any\n");
        StringBuilder record = new StringBuilder();
        for (Map.Entry<String, String> f : files.entrySet()) {
            byte[] b = f.getValue().getBytes(StandardCharsets.UTF_8);
            record.append(f.getKey()).append(",sha256=").append(Base64.getUrlEncoder().withoutPadding()
                    .encodeToString(MessageDigest.getInstance("SHA-256").digest(b))).append(',').append(b.length)
                    .append('\n');
        }
        files.put(info + "RECORD", record.append(info).append("RECORD,,\n").toString());
        Path file = wheels.resolve(dist + "-" + version + "-py3-none-any.whl");
        try (OutputStream out = Files.newOutputStream(file); ZipOutputStream zip = new ZipOutputStream(out)) {
            for (Map.Entry<String, String> f : files.entrySet()) {
                ZipEntry e = new ZipEntry(f.getKey());
                e.setTime(315532800000L);
                zip.putNextEntry(e);
                zip.write(f.getValue().getBytes(StandardCharsets.UTF_8));
                zip.closeEntry();
            }
        }
        return file;
    }

    private PackageSources sources() {
        return new PackageSources(Optional.empty(), List.of(WheelSource.directory(wheels)));
    }

    @Test
    void childrenAreSatisfiedByTheirParentsPinsAndDebianPackagesAndRerunsRewriteNothing() throws Exception {
        Fleet fleet = fleetWith("--find-links wheels\nruntime-cu12==12.1.105\n", "torch==2.2.2+cu121\nsympy==1.12\n");
        List<WheelFleetLocker.LockedWheels> locks = new WheelFleetLocker(sources(), fleetDirectory.resolve("dl"))
                .resolve(fleet, fleetDirectory);
        assertEquals(List.of("gpu", "torch"), locks.stream().map(l -> l.family().name()).toList());
        assertEquals(List.of(fleetDirectory.resolve("locks/gpu.requirements.lock"),
                fleetDirectory.resolve("locks/torch.requirements.lock")), WheelFleetLocker.write(locks));
        String torch = Files.readString(fleetDirectory.resolve("locks/torch.requirements.lock"));
        assertTrue(torch.startsWith("# slipway wheel lock v1, written by `lock` from locks/torch.requirements.txt"),
                torch);
        assertTrue(torch.contains("torch==2.2.2+cu121 \\\n    --hash=sha256:"
                + WheelSource.sha256(wheels.resolve("torch-2.2.2+cu121-py3-none-any.whl")) + "\n"), torch);
        assertEquals(List.of("wheels"), WheelLock.parse(Files.readString(
                fleetDirectory.resolve("locks/gpu.requirements.lock"))).indexes());
        List<WheelFleetLocker.LockedWheels> again = new WheelFleetLocker(sources(), fleetDirectory.resolve("dl"))
                .resolve(fleet, fleetDirectory);
        assertEquals(List.of(), WheelFleetLocker.write(again));
    }

    @Test
    void aMissingListAPinTheParentsHaveAndAMissingRequirementAreAllReported() throws Exception {
        Fleet fleet = fleetWith("runtime-cu12==12.1.105\n", "torch==2.2.2+cu121\nruntime-cu12==12.1.105\n");
        LockProblems problems = assertThrows(LockProblems.class, () -> new WheelFleetLocker(sources(),
                fleetDirectory.resolve("dl")).resolve(fleet, fleetDirectory));
        assertEquals(List.of(
                "family 'torch': runtime-cu12==12.1.105: 'runtime-cu12' 12.1.105 is already installed by family 'gpu'; "
                        + "a family never re-installs what its lineage has, take it out of the list",
                "family 'torch': torch==2.2.2+cu121 (torch-2.2.2+cu121-py3-none-any.whl) requires 'sympy': 'sympy' "
                        + "(any version) is neither pinned in the list nor installed by the family's lineage"),
                problems.problems());

        Files.delete(fleetDirectory.resolve("locks/torch.requirements.txt"));
        LockProblems missing = assertThrows(LockProblems.class, () -> new WheelFleetLocker(sources(),
                fleetDirectory.resolve("dl")).resolve(fleet, fleetDirectory));
        assertEquals(List.of("family 'torch': locks/torch.requirements.txt does not exist; expected the fully pinned "
                + "list (name==version per line, as pip freeze prints it) to lock torch.requirements.lock"),
                missing.problems());
    }
}
