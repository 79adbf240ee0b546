package dev.slipway.packages.python;

import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Console and GUI scripts from {@code entry_points.txt}, and pip's launcher for them. */
final class EntryPoints {

    private static final Pattern ENTRY = Pattern.compile(
            "\\s*([^=\\s][^=]*?)\\s*=\\s*([A-Za-z_][\\w.]*)\\s*(?::\\s*([A-Za-z_][\\w.]*))?\\s*(\\[.*])?\\s*");

    private EntryPoints() {
    }

    /** Script name → {@code module:attr}, for [console_scripts] and [gui_scripts]. */
    static Map<String, String> scripts(String text) {
        Map<String, String> scripts = new TreeMap<>();
        String section = "";
        for (String raw : text.split("\r?\n")) {
            String line = raw.strip();
            if (line.isEmpty() || line.startsWith("#") || line.startsWith(";")) {
                continue;
            }
            if (line.startsWith("[") && line.endsWith("]")) {
                section = line.substring(1, line.length() - 1).strip();
                continue;
            }
            if (!section.equals("console_scripts") && !section.equals("gui_scripts")) {
                continue;
            }
            Matcher m = ENTRY.matcher(line);
            if (!m.matches() || m.group(3) == null || m.group(1).contains("/")) {
                throw new IllegalArgumentException("cannot read entry point '" + line + "'");
            }
            scripts.put(m.group(1), m.group(2) + ":" + m.group(3));
        }
        return scripts;
    }

    /** pip's (distlib's) launcher script text; byte-stable for a given entry point. */
    static String launcher(String interpreter, String entryPoint) {
        String module = entryPoint.substring(0, entryPoint.indexOf(':'));
        String attr = entryPoint.substring(entryPoint.indexOf(':') + 1);
        String importName = attr.split("\\.")[0];
        return "#!" + interpreter + "\n"
                + "# -*- coding: utf-8 -*-\n"
                + "import re\n"
                + "import sys\n"
                + "from " + module + " import " + importName + "\n"
                + "if __name__ == '__main__':\n"
                + "    sys.argv[0] = re.sub(r'(-script\\.pyw|\\.exe)?$', '', sys.argv[0])\n"
                + "    sys.exit(" + attr + "())\n";
    }
}
