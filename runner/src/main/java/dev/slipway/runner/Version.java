package dev.slipway.runner;

import picocli.CommandLine.IVersionProvider;

/** The version Maven stamped into the jar's manifest. */
final class Version implements IVersionProvider {
    @Override
    public String[] getVersion() {
        String version = Main.class.getPackage().getImplementationVersion();
        return new String[]{"slipway " + (version == null ? "(development build)" : version)};
    }
}
