package dev.slipway.dsl;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.URI;
import java.util.ArrayList;
import java.util.List;
import javax.tools.Diagnostic;
import javax.tools.DiagnosticCollector;
import javax.tools.JavaCompiler;
import javax.tools.JavaFileObject;
import javax.tools.SimpleJavaFileObject;
import javax.tools.ToolProvider;
import org.junit.jupiter.api.Test;

/** Mistakes the DSL makes impossible: they must be compile errors, not run-time surprises. */
class TypeSafetyTest {

    private static List<String> compile(String body) {
        String source = "import static dev.slipway.dsl.Slipway.*;\nimport dev.slipway.dsl.*;\n"
                + "class Snippet { Object f() { " + body + " } }";
        JavaCompiler compiler = ToolProvider.getSystemJavaCompiler();
        DiagnosticCollector<JavaFileObject> diagnostics = new DiagnosticCollector<>();
        JavaFileObject file = new SimpleJavaFileObject(URI.create("string:///Snippet.java"),
                JavaFileObject.Kind.SOURCE) {
            @Override
            public CharSequence getCharContent(boolean ignoreEncodingErrors) {
                return source;
            }
        };
        List<String> options = List.of("-classpath", System.getProperty("java.class.path"), "-proc:none",
                "-d", System.getProperty("java.io.tmpdir"));
        compiler.getTask(null, null, diagnostics, options, null, List.of(file)).call();
        List<String> errors = new ArrayList<>();
        for (Diagnostic<? extends JavaFileObject> d : diagnostics.getDiagnostics()) {
            if (d.getKind() == Diagnostic.Kind.ERROR) {
                errors.add(d.getMessage(null));
            }
        }
        return errors;
    }

    @Test
    void theSpecExampleCompiles() {
        assertEquals(List.of(), compile("Family torch = family(\"family-torch-cu121\").from(Base.scratch());"
                + " return service(\"affective_processing_center\").family(torch).ports(5560, 6560)"
                + ".on(machine(\"mainpc\"));"));
    }

    @Test
    void aServiceWithoutAFamilyDoesNotCompile() {
        List<String> errors = compile("return service(\"x\").ports(5560, 6560);");
        assertTrue(errors.stream().anyMatch(e -> e.contains("ports")), errors::toString);
    }

    @Test
    void aFamilyGivenAsAStringDoesNotCompile() {
        List<String> errors = compile("return service(\"x\").family(\"family-torch-cu121\").ports(5560, 6560);");
        assertTrue(errors.stream().anyMatch(e -> e.contains("String")), errors::toString);
    }

    @Test
    void aFamilyWithoutParentOrBaseIsNotAFamily() {
        List<String> errors = compile("Family f = family(\"orphan\"); return f;");
        assertTrue(errors.stream().anyMatch(e -> e.contains("incompatible types")), errors::toString);
    }
}
