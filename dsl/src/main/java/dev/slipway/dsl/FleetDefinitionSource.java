package dev.slipway.dsl;

/**
 * What a {@code FleetDefinition} class implements so the runner can load it, from a class on the classpath or
 * from a {@code .java} file it compiles in memory. It needs a public no-argument constructor.
 */
public interface FleetDefinitionSource {
    FleetSpec define();
}
