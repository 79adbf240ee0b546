package dev.slipway.runner;

import dev.slipway.dsl.FleetDefinitionSource;
import dev.slipway.dsl.FleetSpec;
import dev.slipway.images.SlipwayCache;
import dev.slipway.validation.Compilation;
import dev.slipway.validation.Fleet;
import dev.slipway.validation.InvalidFleetException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Where a fleet definition comes from: a {@code .java} file compiled in memory against the DSL in this jar (edit
 * and re-run, no Maven; an unchanged file's classes come from the {@link CompiledDefinitionCache}), or a class name
 * on the classpath. Relative paths in the definition resolve against {@link #directory()}: the file's directory,
 * or the current directory for a class.
 */
public record FleetSource(FleetSpec spec, Path directory, String origin, String provenance) {
    static final String COMPILED = "compiled with javac";
    static final String CACHED = "compiled classes from Slipway's cache";
    static final String CLASSPATH = "class on the classpath";

    /** Loads {@code fleet}; a {@code .java} file's classes are kept in {@code cache} for the next run. */
    public static FleetSource load(String fleet, Optional<Path> directory, SlipwayCache cache) {
        if (fleet.endsWith(".java")) {
            Path file = Path.of(fleet).toAbsolutePath().normalize();
            StringBuilder provenance = new StringBuilder();
            FleetSpec spec = compileFile(file, new CompiledDefinitionCache(cache), provenance);
            return new FleetSource(spec, directory.orElse(file.getParent()), file.toString(), provenance.toString());
        }
        Path dir = directory.orElse(Path.of("")).toAbsolutePath().normalize();
        return new FleetSource(instantiate(loadClass(fleet), fleet), dir, fleet, CLASSPATH);
    }

    /** The validated fleet, or an {@link InvalidFleetException} carrying every problem. */
    public Fleet compile() {
        Compilation compilation = Fleet.compile(spec);
        if (!compilation.isValid()) {
            throw new InvalidFleetException(compilation.problems());
        }
        return compilation.orThrow();
    }

    private static Class<?> loadClass(String name) {
        try {
            return Class.forName(name);
        } catch (ClassNotFoundException e) {
            throw new UserError("--fleet: no class '" + name + "' on the classpath; expected a class name or a path "
                    + "to a FleetDefinition .java file");
        }
    }

    private static FleetSpec instantiate(Class<?> type, String origin) {
        if (!FleetDefinitionSource.class.isAssignableFrom(type)) {
            throw new UserError("--fleet: " + origin + " does not implement " + FleetDefinitionSource.class.getName());
        }
        try {
            return ((FleetDefinitionSource) type.getDeclaredConstructor().newInstance()).define();
        } catch (ReflectiveOperationException e) {
            Throwable cause = e.getCause() == null ? e : e.getCause();
            throw new UserError("--fleet: could not create " + origin + ": " + cause);
        } catch (ExceptionInInitializerError e) {
            throw new UserError("--fleet: " + origin + " failed while initialising: " + e.getCause());
        }
    }

    private static FleetSpec compileFile(Path file, CompiledDefinitionCache cache, StringBuilder provenance) {
        if (!Files.isRegularFile(file)) {
            throw new UserError("--fleet: " + file + " does not exist");
        }
        Optional<String> key = keyOf(file);
        Optional<Class<?>> cached = key.flatMap(k -> cachedDefinition(k, cache, file));
        if (cached.isPresent()) {
            FleetSpec spec = instantiate(cached.get(), file.toString());
            if (Fleet.compile(spec).isValid()) {
                provenance.append(CACHED);
                return spec;
            }
            cache.discard(key.get()); // kept by an older Slipway: a refused definition's literals leave the cache
        }
        provenance.append(COMPILED);
        Map<String, byte[]> classes = DefinitionCompiler.compile(file);
        FleetSpec spec = instantiate(definitionIn(classes, file), file.toString());
        // only a valid definition is kept (a refused one may hold a credential literal); and the file may have
        // changed while javac read it: only store what was compiled from the bytes of the key
        if (key.isPresent() && key.equals(keyOf(file)) && Fleet.compile(spec).isValid()) {
            cache.write(key.get(), classes);
        }
        return spec;
    }

    private static Optional<Class<?>> cachedDefinition(String key, CompiledDefinitionCache cache, Path file) {
        Optional<Map<String, byte[]>> classes = cache.read(key);
        if (classes.isEmpty()) {
            return Optional.empty();
        }
        try {
            return Optional.of(definitionIn(classes.get(), file));
        } catch (LinkageError e) {
            // checksums matched yet the JVM refuses the bytes: compile as if the entry were absent
            cache.discard(key);
            return Optional.empty();
        }
    }

    private static Optional<String> keyOf(Path file) {
        try {
            return Optional.of(CompiledDefinitionCache.key(Files.readAllBytes(file)));
        } catch (IOException e) {
            return Optional.empty(); // javac reports an unreadable file as it always has
        }
    }

    private static Class<?> definitionIn(Map<String, byte[]> classes, Path file) {
        ClassLoader loader = new ChildFirstLoader(classes, FleetSource.class.getClassLoader());
        List<Class<?>> definitions = new ArrayList<>();
        for (String name : classes.keySet()) {
            try {
                Class<?> type = Class.forName(name, false, loader);
                if (FleetDefinitionSource.class.isAssignableFrom(type) && !type.isInterface()
                        && type.getEnclosingClass() == null) {
                    definitions.add(type);
                }
            } catch (ClassNotFoundException e) {
                throw new IllegalStateException("compiled class vanished: " + name, e);
            }
        }
        if (definitions.size() != 1) {
            throw new UserError("--fleet " + file + ": expected exactly one top-level class implementing "
                    + FleetDefinitionSource.class.getSimpleName() + ", found " + definitions.size());
        }
        return definitions.get(0);
    }

    /** Child first: an edited copy of a definition that is also in the jar must win over the jar's. */
    private static final class ChildFirstLoader extends ClassLoader {
        private final Map<String, byte[]> classes;

        ChildFirstLoader(Map<String, byte[]> classes, ClassLoader parent) {
            super(parent);
            this.classes = classes;
        }

        @Override
        protected Class<?> loadClass(String name, boolean resolve) throws ClassNotFoundException {
            synchronized (getClassLoadingLock(name)) {
                Class<?> loaded = findLoadedClass(name);
                if (loaded == null && classes.containsKey(name)) {
                    byte[] b = classes.get(name);
                    loaded = defineClass(name, b, 0, b.length);
                }
                if (loaded == null) {
                    return super.loadClass(name, resolve);
                }
                if (resolve) {
                    resolveClass(loaded);
                }
                return loaded;
            }
        }
    }
}
