package dev.slipway.dsl;

import java.util.List;

/** Debian packages a family installs (their dependency closure is locked by {@code runner lock}). */
public record DebianPackages(DebianSuite suite, List<String> names) {
    public DebianPackages {
        names = List.copyOf(names);
    }
}
