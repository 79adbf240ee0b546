package dev.slipway.plan;

import dev.slipway.dsl.DebianSuite;
import dev.slipway.dsl.Family;
import java.util.List;
import java.util.Optional;

/**
 * What one family of an image's lineage asks to install: its Debian packages and its wheel lock (relative to the
 * fleet's directory). The locks say what that resolves to; the packaging step reads them.
 */
public record PackagedFamily(String name, Optional<DebianSuite> debianSuite, List<String> debianPackages,
        Optional<String> wheelLock) {

    public PackagedFamily {
        debianPackages = List.copyOf(debianPackages);
    }

    public static PackagedFamily of(Family family) {
        return new PackagedFamily(family.name(), family.debian().map(d -> d.suite()),
                family.debian().map(d -> d.names()).orElse(List.of()), family.wheelLock());
    }

    public boolean installsDebian() {
        return debianSuite.isPresent();
    }

    public boolean installsAnything() {
        return debianSuite.isPresent() || wheelLock.isPresent();
    }
}
