package dev.slipway.runner;

import dev.slipway.dsl.FleetDefinitionSource;
import dev.slipway.dsl.FleetSpec;
import dev.slipway.validation.Compilation;
import dev.slipway.validation.Fleet;
import dev.slipway.validation.InvalidFleetException;
import java.io.ByteArrayOutputStream;
import java.io.OutputStream;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import javax.tools.Diagnostic;
import javax.tools.DiagnosticCollector;
import javax.tools.FileObject;
import javax.tools.ForwardingJavaFileManager;
import javax.tools.JavaCompiler;
import javax.tools.JavaFileManager;
import javax.tools.JavaFileObject;
import javax.tools.SimpleJavaFileObject;
import javax.tools.StandardJavaFileManager;
import javax.tools.ToolProvider;

/**
 * Where a fleet definition comes from: a {@code .java} file compiled in memory against the DSL in this jar (edit
 * and re-run, no Maven), or a class name on the classpath. Relative paths in the definition resolve against
 * {@link #directory()}: the file's directory, or the current directory for a class.
 */
public record FleetSource(FleetSpec spec, Path directory, String origin) {

    public static FleetSource load(String fleet, Optional<Path> directory) {
        if (fleet.endsWith(".java")) {
            Path file = Path.of(fleet).toAbsolutePath().normalize();
            return new FleetSource(compileFile(file), directory.orElse(file.getParent()), file.toString());
        }
        Path dir = directory.orElse(Path.of("")).toAbsolutePath().normalize();
        return new FleetSource(instantiate(loadClass(fleet), fleet), dir, fleet);
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

    private static FleetSpec compileFile(Path file) {
        if (!Files.isRegularFile(file)) {
            throw new UserError("--fleet: " + file + " does not exist");
        }
        JavaCompiler compiler = ToolProvider.getSystemJavaCompiler();
        if (compiler == null) {
            throw new UserError("--fleet " + file + ": compiling a .java definition needs a JDK (javac); this is a JRE."
                    + " Run with a JDK's java, or pass a compiled class name");
        }
        DiagnosticCollector<JavaFileObject> diagnostics = new DiagnosticCollector<>();
        StandardJavaFileManager standard = compiler.getStandardFileManager(diagnostics, null, null);
        InMemoryClasses classes = new InMemoryClasses(standard);
        List<String> options = List.of("-classpath", System.getProperty("java.class.path"), "-proc:none",
                "--release", "17");
        boolean ok = compiler.getTask(null, classes, diagnostics, options, null,
                standard.getJavaFileObjects(file)).call();
        if (!ok) {
            List<String> lines = new ArrayList<>();
            for (Diagnostic<? extends JavaFileObject> d : diagnostics.getDiagnostics()) {
                if (d.getKind() == Diagnostic.Kind.ERROR) {
                    lines.add(file + ":" + d.getLineNumber() + ": error: " + d.getMessage(null));
                }
            }
            lines.add("the fleet definition does not compile; nothing was changed.");
            throw new UserError(lines);
        }
        ClassLoader loader = classes.loader(FleetSource.class.getClassLoader());
        List<Class<?>> definitions = new ArrayList<>();
        for (String name : classes.names()) {
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
        return instantiate(definitions.get(0), file.toString());
    }

    /** Keeps compiled classes in memory: running a definition leaves nothing on disk. */
    private static final class InMemoryClasses extends ForwardingJavaFileManager<JavaFileManager> {
        private final Map<String, ByteArrayOutputStream> bytes = new HashMap<>();

        InMemoryClasses(JavaFileManager delegate) {
            super(delegate);
        }

        @Override
        public JavaFileObject getJavaFileForOutput(Location location, String className, JavaFileObject.Kind kind,
                FileObject sibling) {
            return new SimpleJavaFileObject(URI.create("mem:///" + className.replace('.', '/') + kind.extension), kind) {
                @Override
                public OutputStream openOutputStream() {
                    ByteArrayOutputStream out = new ByteArrayOutputStream();
                    bytes.put(className, out);
                    return out;
                }
            };
        }

        List<String> names() {
            return bytes.keySet().stream().sorted().toList();
        }

        ClassLoader loader(ClassLoader parent) {
            // Child first: an edited copy of a definition that is also in the jar must win over the jar's.
            return new ClassLoader(parent) {
                @Override
                protected Class<?> loadClass(String name, boolean resolve) throws ClassNotFoundException {
                    synchronized (getClassLoadingLock(name)) {
                        Class<?> loaded = findLoadedClass(name);
                        if (loaded == null && bytes.containsKey(name)) {
                            byte[] b = bytes.get(name).toByteArray();
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
            };
        }
    }
}
