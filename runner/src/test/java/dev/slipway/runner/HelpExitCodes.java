package dev.slipway.runner;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import picocli.CommandLine;

/** The exit codes a command's own {@code --help} promises, as code to meaning, so tests hold the code to its word. */
final class HelpExitCodes {
    private static final Pattern CODE = Pattern.compile("(\\d) ((?:[^,(]|\\([^)]*\\))*)");

    private HelpExitCodes() {
    }

    static Map<Integer, String> of(String command) {
        CommandLine cli = Main.commandLine();
        StringWriter out = new StringWriter();
        cli.setOut(new PrintWriter(out, true));
        cli.setErr(new PrintWriter(new StringWriter(), true));
        cli.execute(command, "--help");
        String help = out.toString().replaceAll("\\s+", " ");
        int at = help.indexOf("Exit codes: ");
        if (at < 0) {
            throw new AssertionError(command + " --help states no exit codes:\n" + out);
        }
        String codes = help.substring(at + "Exit codes: ".length(), help.indexOf('.', at) < 0
                ? help.length()
                : help.indexOf('.', at));
        Map<Integer, String> meanings = new LinkedHashMap<>();
        Matcher matcher = CODE.matcher(codes);
        while (matcher.find()) {
            meanings.put(Integer.parseInt(matcher.group(1)), matcher.group(2).strip());
        }
        return meanings;
    }

    /** The meaning {@code command --help} gives {@code code}; fails when the help does not list it. */
    static String meaning(String command, int code) {
        String meaning = of(command).get(code);
        if (meaning == null) {
            throw new AssertionError(command + " exited " + code + ", which its --help does not list: " + of(command));
        }
        return meaning;
    }
}
