package dev.slipway.plan;

import dev.slipway.dsl.DebianSuite;
import java.util.List;
import java.util.Optional;

/**
 * What one family of an image's lineage asks to install: its Debian packages and its wheel lock (relative to the
 * fleet's directory). The locks say what that resolves to; the packaging step reads them.
 */
public record PackagedFamily(String family, Optional<DebianSuite> suite, List<String> debianPackages,
        Optional<String> wheelLock) {

    public PackagedFamily {
        debianPackages = List.copyOf(debianPackages);
    }

    public boolean installsAnything() {
        return suite.isPresent() || wheelLock.isPresent();
    }
}
