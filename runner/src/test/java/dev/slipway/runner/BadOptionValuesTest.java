package dev.slipway.runner;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Every option of every command, given a bad value: one line on stderr naming the option, exit 2 (usage) or 1
 * (refused), nothing done, and never the internal-error path. Each exit code is one the command's --help lists.
 */
class BadOptionValuesTest {
    private static final String NO_ENGINE = "mainpc=unix:///tmp/slipway-no-such-engine.sock";
    private static final List<String> COMMANDS = List.of("validate", "plan", "lock", "build", "apply", "rollback",
            "status");

    @TempDir
    static Path dir;

    record Run(int code, String out, String err) {
    }

    static Stream<List<String>> badValues() throws IOException {
        Path hostsFile = Files.writeString(dir.resolve("hosts.txt"), "mainpc=ftp://nope\n");
        Path plainFile = Files.writeString(dir.resolve("plain-file"), "x");
        List<List<String>> cases = new ArrayList<>();
        for (String command : List.of("plan", "build", "apply", "status")) {
            for (String tag : List.of("v1/../x", "UPPER CASE", "", "-x", ".hidden", "a".repeat(200))) {
                cases.add(withHost(command, "--tag", tag));
            }
        }
        for (String tag : List.of("v1/../x", "UPPER CASE", "", "-x")) {
            cases.add(withHost("rollback", "--to", tag));
        }
        for (String command : List.of("plan", "apply", "rollback")) {
            for (String size : List.of("0", "-3", "abc", "99999999999")) {
                cases.add(withHost(command, "--batch-size", size));
            }
        }
        for (String command : List.of("build", "apply")) {
            for (String parallel : List.of("0", "-1", "many")) {
                cases.add(withHost(command, "--parallel", parallel));
            }
        }
        for (String command : List.of("apply", "rollback")) {
            for (String timeout : List.of("-1", "ten", "1.5")) {
                cases.add(withHost(command, "--stop-timeout", timeout));
            }
        }
        for (String command : List.of("plan", "apply", "rollback", "status")) {
            for (String host : List.of("bad", "mainpc=http://x", "=unix:///x", "mainpc=tcp://h:99999",
                    "mainpc=unix:///x,colour=red")) {
                cases.add(args(command, "--host", host));
            }
            cases.add(args(command, "--hosts-file", dir.resolve("missing.txt").toString()));
            cases.add(args(command, "--hosts-file", dir.toString()));
            cases.add(args(command, "--hosts-file", hostsFile.toString()));
        }
        for (String command : List.of("plan", "build", "apply", "rollback", "status")) {
            for (String registry : List.of("no-slash", "a b/c", "host/UPPER", "host:port/x")) {
                cases.add(withHost(command, "--registry", registry));
            }
        }
        for (String command : COMMANDS) {
            cases.add(withHost(command, "--fleet", "com.example.Missing"));
            cases.add(withHost(command, "--fleet", dir.resolve("Missing.java").toString()));
            cases.add(withHost(command, "--fleet", "java.lang.String"));
            cases.add(withHost(command, "--dir", dir.resolve("no-such-dir").toString()));
            cases.add(args(command, "--no-such-option"));
        }
        for (String command : List.of("build", "apply")) {
            for (String compression : List.of("xz", "", "ZSTD9")) {
                cases.add(withHost(command, "--compression", compression, "--registry", "127.0.0.1:5000/x"));
            }
        }
        cases.add(args("build", "--compression", "zstd", "--out", dir.resolve("o").toString()));
        cases.add(args("apply", "--compression", "zstd"));
        cases.add(args("build", "--insecure", "--registry", "registry.example/acme"));
        cases.add(args("build", "--insecure"));
        cases.add(args("build", "--out", dir.toString(), "--registry", "127.0.0.1:5000/x"));
        cases.add(args("apply", "--out", dir.toString(), "--registry", "127.0.0.1:5000/x"));
        cases.add(withHost("apply", "--out", dir.toString()));
        cases.add(args("build", "--cache", plainFile.toString(), "--out", dir.resolve("out").toString()));
        cases.add(args("lock", "--debian-mirror", "ftp://mirror.invalid/debian"));
        cases.add(
                args("build", "--debian-mirror", "ftp://mirror.invalid/debian", "--out", dir.resolve("o").toString()));
        cases.add(args("lock", "--debian-mirror", "unsigned:"));
        cases.add(args("lock", "--debian-mirror", "unsigned:" + dir, "--keyring", plainFile.toString()));
        cases.add(args("lock", "--debian-mirror", "unsigned:ftp://mirror.invalid/debian"));
        cases.add(args("build", "--sign", dir.resolve("missing.key").toString(), "--registry", "127.0.0.1:5000/x"));
        cases.add(args("build", "--sign", plainFile.toString(), "--registry", "127.0.0.1:5000/x"));
        cases.add(args("build", "--sign", plainFile.toString(), "--out", dir.resolve("o").toString()));
        cases.add(withHost("apply", "--sign", dir.resolve("missing.key").toString()));
        cases.add(withHost("apply", "--sign", plainFile.toString(), "--skip-build"));
        cases.add(withHost("apply", "--require-signed", dir.resolve("missing.pub").toString()));
        cases.add(withHost("apply", "--require-signed", plainFile.toString()));
        cases.add(args("verify", "--key", dir.resolve("missing.pub").toString(), "127.0.0.1:5000/x/y:1"));
        cases.add(args("verify", "--key", plainFile.toString(), "127.0.0.1:5000/x/y:1"));
        cases.add(args("verify", "127.0.0.1:5000/x/y:1"));
        cases.add(args("sbom", "NOT A REFERENCE"));
        cases.add(args("sbom", "--insecure", "registry.example/x/y:1"));
        cases.add(args("rollback", "--host", NO_ENGINE));
        cases.add(args("rollback", "--to"));
        cases.add(args("status"));
        cases.add(args("rollback", "--to", "v1"));
        return cases.stream();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("badValues")
    void aBadValueIsOneLineAndExitTwoOrOne(List<String> args) {
        Run run = run(args);

        assertTrue(run.code() == 1 || run.code() == 2, run.code() + ": " + run.err());
        assertFalse(run.err().contains("internal error"), run.err());
        assertFalse(run.err().contains("\tat ") || run.err().contains("Exception"), run.err());
        assertEquals(1, run.err().strip().lines().count(), "one line:\n" + run.err());
        assertFalse(run.out().contains("Building") || run.out().contains("wave"), run.out());
        String meaning = HelpExitCodes.meaning(args.get(0), run.code());
        assertTrue(run.code() == 2 ? meaning.equals("usage error") : meaning.contains("bad option value"), meaning);
    }

    @Test
    void everyCommandsHelpListsItsExitCodesAndAUsageErrorIsTwo() {
        for (String command : List.of("verify", "sbom")) {
            Map<Integer, String> codes = HelpExitCodes.of(command);
            assertTrue(codes.containsKey(0) && codes.get(1).contains("bad option value"), command + ": " + codes);
            assertEquals("usage error", codes.get(2), command + ": " + codes);
            Run unknown = run(List.of(command, "--key", "k.pub", "--no-such-option", "127.0.0.1:5000/x/y:1"));
            assertEquals(2, unknown.code(), command);
            assertTrue(unknown.err().startsWith("slipway " + command + ": ") && unknown.err().contains("option"),
                    unknown.err());
        }
        for (String command : COMMANDS) {
            Map<Integer, String> codes = HelpExitCodes.of(command);
            assertTrue(codes.containsKey(0) && codes.containsKey(1), command + ": " + codes);
            assertEquals("usage error", codes.get(2), command + ": " + codes);
            Run help = run(List.of(command, "--help"));
            assertEquals(0, help.code(), command);
            Run unknown = run(List.of(command, "--no-such-option"));
            assertEquals(2, unknown.code(), command);
            assertTrue(unknown.err().startsWith("slipway " + command + ": ") && unknown.err().contains("option"),
                    unknown.err());
        }
        assertEquals(Map.of(0, "done (or nothing to do)"), Map.of(0, HelpExitCodes.of("apply").get(0)));
        assertTrue(HelpExitCodes.of("apply").get(3).startsWith("rollout failed after something changed"));
        assertTrue(HelpExitCodes.of("rollback").get(1).startsWith("refused before anything changed"));
        assertEquals("drift found", HelpExitCodes.of("status").get(4));
    }

    @Test
    void anUnreadableHostsFileSaysWhyOnce() {
        Path missing = dir.resolve("nope.txt");
        Run run = run(List.of("plan", "--hosts-file", missing.toString()));
        assertEquals("--hosts-file: cannot read " + missing + ": no such file", run.err().strip());
        Run directory = run(List.of("plan", "--hosts-file", dir.toString()));
        assertEquals("--hosts-file: cannot read " + dir + ": is a directory",
                directory.err().strip().replace("Is a directory", "is a directory"));
    }

    private static List<String> withHost(String command, String... more) {
        List<String> all = args(command, more);
        if (!command.equals("validate") && !command.equals("lock") && !command.equals("build")) {
            all.addAll(List.of("--host", NO_ENGINE));
        }
        if (command.equals("rollback") && !all.contains("--to")) {
            all.addAll(List.of("--to", "v1"));
        }
        return all;
    }

    private static List<String> args(String command, String... more) {
        List<String> all = new ArrayList<>();
        all.add(command);
        all.addAll(List.of(more));
        if (!all.contains("--audit-log") && (command.equals("apply") || command.equals("rollback"))
                && !all.contains("--no-such-option")) {
            all.addAll(List.of("--audit-log", dir.resolve("audit.jsonl").toString()));
        }
        return all;
    }

    private static Run run(List<String> args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        picocli.CommandLine cli = Main.commandLine();
        cli.setOut(new PrintWriter(out, true));
        cli.setErr(new PrintWriter(err, true));
        int code = cli.execute(args.toArray(String[]::new));
        return new Run(code, out.toString(), err.toString());
    }
}
