package dev.slipway.packages.debian;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;

class ResolverTest {

    static final DebianSource SOURCE = DebianSource.archive("http://deb.example/debian", "bookworm", List.of("main"),
            "amd64");

    private static String stanza(String name, String version, String arch, String extra) {
        String sha = String.format("%064x", Math.abs((long) (name + version).hashCode()));
        return "Package: " + name + "\nVersion: " + version + "\nArchitecture: " + arch + "\n" + extra
                + "Filename: pool/main/" + name + "_" + version + "_" + arch + ".deb\nSize: 100\nSHA256: " + sha
                + "\n\n";
    }

    static final String INDEX = stanza("app", "1.0", "amd64",
            "Pre-Depends: libc6 (>= 2.34)\nDepends: debconf (>= 0.5) | debconf-2.0, python3:any (>= 3.11~), mail-transport-agent\n")
            + stanza("libc6", "2.36-9", "amd64", "Depends: libgcc-s1\n")
            + stanza("libc6", "2.36-9+deb12u10", "amd64", "Depends: libgcc-s1\n")
            + stanza("libc6", "2.40-1", "i386", "")
            + stanza("libgcc-s1", "12.2.0-14", "amd64", "Depends: libc6 (>= 2.35)\n")
            + stanza("cdebconf", "0.270", "amd64", "Provides: debconf-2.0\n")
            + stanza("python3", "3.11.2-1+b1", "amd64", "Depends: python3.11\n")
            + stanza("python3.11", "3.11.2-6", "amd64", "Depends: libc6\n")
            + stanza("exim4", "4.96-15", "all", "Provides: mail-transport-agent\n")
            + stanza("postfix", "3.7.11-0", "amd64", "Provides: mail-transport-agent\n")
            + stanza("old", "1.0", "amd64", "Depends: libc6 (>= 9)\n")
            + stanza("broken", "1.0", "amd64", "Depends: nosuch, gone | vanished\n");

    private static Resolution resolve(String... names) {
        return new Resolver(PackageIndex.of(SOURCE, PackageIndex.parse(INDEX))).resolve("base-python", List.of(names));
    }

    @Test
    void closesOverDependsPreDependsAlternativesAndProvides() {
        Resolution r = resolve("app");
        assertTrue(r.isComplete(), r.problems().toString());
        assertEquals(List.of("app 1.0 amd64", "cdebconf 0.270 amd64", "exim4 4.96-15 all",
                "libc6 2.36-9+deb12u10 amd64", "libgcc-s1 12.2.0-14 amd64", "python3 3.11.2-1+b1 amd64",
                "python3.11 3.11.2-6 amd64"), r.packages().stream().map(Object::toString).toList());
    }

    @Test
    void prefersAnAlternativeAlreadyChosen() {
        Resolution r = resolve("postfix", "app");
        assertTrue(r.packages().stream().anyMatch(p -> p.name().equals("postfix")));
        assertFalse(r.packages().stream().anyMatch(p -> p.name().equals("exim4")));
    }

    @Test
    void isDeterministicWhateverTheRequestOrder() {
        assertEquals(resolve("app", "python3").toLock().write(), resolve("python3", "app").toLock().write());
    }

    @Test
    void reportsEveryMissingPackageWithFamilyAndWhoNeededIt() {
        assertEquals(
                List.of("family 'base-python': package 'nosuch' is not in the index (suite bookworm, main, amd64)"),
                resolve("nosuch").problems().stream().map(PackageProblem::message).toList());
        Resolution r = resolve("broken", "old", "nosuch");
        List<String> messages = r.problems().stream().map(PackageProblem::message).toList();
        assertTrue(messages.get(0).contains("'nosuch' is not in the index")
                && messages.get(0).endsWith("requested and needed by 'broken 1.0'"), messages.get(0));
        assertTrue(messages.stream().anyMatch(m -> m.contains("'gone | vanished'")), messages.toString());
        assertTrue(
                messages.stream().anyMatch(m -> m.contains("cannot satisfy libc6 (>= 9)") && m.contains("'old 1.0'")),
                messages.toString());
        PackageProblems e = assertThrows(PackageProblems.class, r::toLock);
        assertEquals(3, e.problems().size());
    }
}
