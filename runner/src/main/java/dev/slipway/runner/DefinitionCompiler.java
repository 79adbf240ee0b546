package dev.slipway.runner;

import java.io.ByteArrayOutputStream;
import java.io.OutputStream;
import java.net.URI;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
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

/** javac in memory: a definition {@code .java} file in, its class files out, nothing written to disk. */
final class DefinitionCompiler {
    /** Everything that shapes the class files besides the source, the classpath and the JDK. */
    static final List<String> OPTIONS = List.of("-proc:none", "--release", "17");

    private DefinitionCompiler() {
    }

    /** Binary class name to class file bytes, or a {@link UserError} naming every compile error by file and line. */
    static Map<String, byte[]> compile(Path file) {
        JavaCompiler compiler = ToolProvider.getSystemJavaCompiler();
        if (compiler == null) {
            throw new UserError("--fleet " + file + ": compiling a .java definition needs a JDK (javac); this is a JRE."
                    + " Run with a JDK's java, or pass a compiled class name");
        }
        DiagnosticCollector<JavaFileObject> diagnostics = new DiagnosticCollector<>();
        StandardJavaFileManager standard = compiler.getStandardFileManager(diagnostics, null, null);
        InMemoryClasses classes = new InMemoryClasses(standard);
        List<String> options = new ArrayList<>(List.of("-classpath", System.getProperty("java.class.path")));
        options.addAll(OPTIONS);
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
        return classes.bytes();
    }

    /** Keeps compiled classes in memory. */
    private static final class InMemoryClasses extends ForwardingJavaFileManager<JavaFileManager> {
        private final Map<String, ByteArrayOutputStream> bytes = new TreeMap<>();

        InMemoryClasses(JavaFileManager delegate) {
            super(delegate);
        }

        @Override
        public JavaFileObject getJavaFileForOutput(Location location, String className, JavaFileObject.Kind kind,
                FileObject sibling) {
            return new SimpleJavaFileObject(URI.create("mem:///" + className.replace('.', '/') + kind.extension),
                    kind) {
                @Override
                public OutputStream openOutputStream() {
                    ByteArrayOutputStream out = new ByteArrayOutputStream();
                    bytes.put(className, out);
                    return out;
                }
            };
        }

        Map<String, byte[]> bytes() {
            Map<String, byte[]> result = new TreeMap<>();
            bytes.forEach((name, out) -> result.put(name, out.toByteArray()));
            return result;
        }
    }
}
