package org.layerpipe.core.cli;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.layerpipe.core.train.Setting;

/**
 * Command-line flags for trial settings: {@code --key value} or {@code --key=value}, where key
 * is a {@link Setting} key written with '.', '_' or '-' ({@code --batch-size},
 * {@code --ema.rule}, {@code --ema-rule} all work). Extra flags a command knows are passed in.
 */
final class Flags {

    /** What was parsed: trial settings, the command's own flags, and the bare arguments. */
    record Parsed(Map<String, String> settings, Map<String, String> own, List<String> positional, boolean help) {
    }

    private Flags() {
    }

    /**
     * @param ownFlags flags of the command itself (names without dashes) that take a value
     * @param switches flags of the command itself that take no value
     * @throws IllegalArgumentException one sentence for an unknown or incomplete flag
     */
    static Parsed parse(String[] args, List<String> ownFlags, List<String> switches) {
        Map<String, String> settings = new LinkedHashMap<>();
        Map<String, String> own = new LinkedHashMap<>();
        List<String> positional = new java.util.ArrayList<>();
        boolean help = false;
        for (int i = 0; i < args.length; i++) {
            String arg = args[i];
            if (arg.equals("-h") || arg.equals("--help")) {
                help = true;
                continue;
            }
            if (!arg.startsWith("--")) {
                positional.add(arg);
                continue;
            }
            String name = arg.substring(2);
            String value = null;
            int eq = name.indexOf('=');
            if (eq >= 0) {
                value = name.substring(eq + 1);
                name = name.substring(0, eq);
            }
            if (switches.contains(name)) {
                own.put(name, "true");
                continue;
            }
            String key = ownFlags.contains(name) ? name : settingKey(name);
            if (value == null) {
                if (i + 1 >= args.length || args[i + 1].startsWith("--")) {
                    throw new IllegalArgumentException("flag --" + name + " needs a value");
                }
                value = args[++i];
            }
            if (ownFlags.contains(name)) {
                own.put(name, value);
            } else {
                settings.put(key, value);
            }
        }
        return new Parsed(settings, own, positional, help);
    }

    private static String settingKey(String flag) {
        String normal = flag.replace('-', '_');
        for (Setting s : Setting.ALL) {
            if (s.key().equals(flag) || s.key().replace('.', '_').equals(normal) || s.key().equals(normal)) {
                return s.key();
            }
        }
        throw new IllegalArgumentException("unknown flag --" + flag + Setting.nearest(flag).map(s -> ": did you mean --" + flagName(s) + "?")
                .orElse(": run with --help to see every flag"));
    }

    /** Help lines for every setting: flag, default, description. */
    static String settingsHelp() {
        StringBuilder sb = new StringBuilder();
        int width = Setting.ALL.stream().mapToInt(s -> flagName(s).length()).max().orElse(10) + 8;
        for (Setting s : Setting.ALL) {
            String flag = "  --" + flagName(s) + " V";
            sb.append(flag).append(" ".repeat(Math.max(1, width - flag.length()))).append(s.help());
            sb.append(s.defaultValue().isEmpty() ? "" : " [default " + s.defaultValue() + "]").append('\n');
        }
        return sb.toString();
    }

    static String flagName(Setting s) {
        return s.key().replace('.', '-').replace('_', '-');
    }
}
