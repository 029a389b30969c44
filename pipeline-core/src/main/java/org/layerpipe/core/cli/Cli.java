package org.layerpipe.core.cli;

import java.io.PrintStream;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.layerpipe.core.train.Setting;
import picocli.CommandLine;
import picocli.CommandLine.Help;
import picocli.CommandLine.IHelpSectionRenderer;
import picocli.CommandLine.IParameterExceptionHandler;
import picocli.CommandLine.MissingParameterException;
import picocli.CommandLine.Model.ArgSpec;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Model.OptionSpec;
import picocli.CommandLine.Model.PositionalParamSpec;
import picocli.CommandLine.Model.UsageMessageSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.ParseResult;
import picocli.CommandLine.UnmatchedArgumentException;

/**
 * The one way every entry point reads its command line (picocli): {@code --name value} or
 * {@code --name=value}, the last of a repeated flag counting, {@code -h}/{@code --help} printing
 * the usage on stdout (exit status 0), and a mistake printed as one sentence on stderr
 * ({@code error: unknown flag --bach-size: did you mean --batch-size?}, exit status 2).
 *
 * <p>A command is a picocli-annotated object: its {@code @Command} gives the synopsis
 * ({@code customSynopsis}), the paragraphs ({@code description}) and the closing lines
 * ({@code footer}), written as they are printed; the list of flags between them is made from the
 * options themselves. Trial settings are options made from {@link Setting#ALL}
 * ({@link #settingOptions}), so {@code train} flags, sweep keys and MLflow params are one namespace.
 */
public final class Cli {

    /** Exit status of a mistake on the command line. */
    public static final int USAGE_ERROR = 2;

    /** A command with at most this many flags names them all when a flag is unknown; a larger one points at --help. */
    private static final int LISTED_FLAGS = 8;

    /** How picocli says that a flag's value looked like an unknown flag. */
    private static final Pattern FLAG_FOR_VALUE = Pattern.compile("Expected parameter for option '([^']+)' but found '");

    private Cli() {
    }

    /** {@code -h, --help}: mixed into every command ({@code @Mixin Cli.HelpOption help;}). */
    public static final class HelpOption {
        @Option(names = {"-h", "--help"}, usageHelp = true, description = "print this help and exit")
        boolean help;
    }

    /**
     * Parses {@code args} into {@code command}'s options and parameters.
     *
     * @param command a picocli-annotated object, or a {@link CommandSpec} built in code
     * @return empty when the command is to run; otherwise its exit status, after {@code --help} printed the
     *         usage on {@code out} (0) or a mistake its one sentence on {@code err} ({@link #USAGE_ERROR})
     */
    public static OptionalInt parse(Object command, String[] args, PrintStream out, PrintStream err) {
        return parse(commandLine(command), args, out, err);
    }

    /** As {@link #parse(Object, String[], PrintStream, PrintStream)}, for a command line set up by {@link #commandLine}. */
    public static OptionalInt parse(CommandLine line, String[] args, PrintStream out, PrintStream err) {
        line.setParameterExceptionHandler(new OneSentence(err));
        try {
            line.parseArgs(args);
            if (line.isUsageHelpRequested()) {
                line.usage(out);
                out.flush();
                return OptionalInt.of(0);
            }
            // after the first parameter of a command that stops there, the arguments are another command's
            for (PositionalParamSpec p : line.isStopAtPositional() ? List.<PositionalParamSpec>of()
                    : line.getCommandSpec().positionalParameters()) {
                for (String value : p.stringValues()) {
                    if (looksLikeFlag(value)) {
                        // picocli tells an unknown --name from a parameter by its likeness to the known flags; no parameter here starts with '-'
                        throw new UnmatchedArgumentException(line, List.of(value));
                    }
                }
            }
            return OptionalInt.empty();
        } catch (ParameterException e) {
            try {
                return OptionalInt.of(line.getParameterExceptionHandler().handleParseException(e, args));
            } catch (Exception unexpected) {
                throw new IllegalStateException(unexpected);
            }
        }
    }

    /** A mistake found after parsing (a bad value, a missing file): the same one sentence and exit status. */
    public static int usageError(PrintStream err, String sentence) {
        err.println("error: " + sentence);
        err.flush();
        return USAGE_ERROR;
    }

    /** A picocli command line for {@code command}, set up as every entry point parses. */
    public static CommandLine commandLine(Object command) {
        CommandLine line = new CommandLine(command);
        // scripts append an override to a default they pass (bin/lib/sweep.sh's --journal): the last one counts
        line.setOverwrittenOptionsAllowed(true);
        line.setUnmatchedArgumentsAllowed(false);
        // --model --mdoel cnn: a flag without its value, not a model named --mdoel
        line.setUnmatchedOptionsAllowedAsOptionParameters(false);
        // an argument starting with @ is a value, never a file of more arguments
        line.setExpandAtFiles(false);
        line.setColorScheme(Help.defaultColorScheme(Help.Ansi.OFF));
        UsageMessageSpec usage = line.getCommandSpec().usageMessage();
        Map<String, IHelpSectionRenderer> sections = new LinkedHashMap<>();
        sections.put(UsageMessageSpec.SECTION_KEY_SYNOPSIS, help -> lines(help.commandSpec().usageMessage().customSynopsis(), ""));
        sections.put(UsageMessageSpec.SECTION_KEY_DESCRIPTION, help -> lines(help.commandSpec().usageMessage().description(), "\n"));
        sections.put(UsageMessageSpec.SECTION_KEY_OPTION_LIST, help -> flagList(help.commandSpec()));
        sections.put(UsageMessageSpec.SECTION_KEY_FOOTER, help -> lines(help.commandSpec().usageMessage().footer(), ""));
        usage.sectionMap(sections);
        usage.sectionKeys(List.copyOf(sections.keySet()));
        return line;
    }

    /**
     * One option per trial setting, {@code --key V}, the key written with '-', '.' or '_' between its words
     * ({@code --batch-size}, {@code --batch_size}; {@code --ema-rule}, {@code --ema.rule}, {@code --ema_rule}), first
     * the spelling with dashes; each described by its help line and default. Read them with {@link #settings}.
     */
    public static List<OptionSpec> settingOptions() {
        List<OptionSpec> options = new ArrayList<>();
        for (Setting s : Setting.ALL) {
            options.add(OptionSpec.builder(spellings(s.key()).toArray(String[]::new))
                    .paramLabel("V")
                    .arity("1")
                    .type(String.class)
                    .description(s.help() + (s.defaultValue().isEmpty() ? "" : " [default " + s.defaultValue() + "]"))
                    .build());
        }
        return options;
    }

    /** The settings given on the command line, by key, as {@code TrialConfig.fromParams} takes them. */
    public static Map<String, String> settings(ParseResult parsed) {
        Map<String, String> settings = new LinkedHashMap<>();
        for (OptionSpec o : parsed.matchedOptions()) {
            for (Setting s : Setting.ALL) {
                if (List.of(o.names()).contains("--" + s.key())) {
                    settings.put(s.key(), o.getValue());
                }
            }
        }
        return settings;
    }

    /** A setting's flag as help prints it: its key with dashes, {@code data-train-limit}. */
    public static String flagName(Setting s) {
        return s.key().replace('.', '-').replace('_', '-');
    }

    /** {@code --key} with each separator written every way the key allows: '.' as '.', '-' or '_'; '_' as '_' or '-'. */
    static Set<String> spellings(String key) {
        Set<String> names = new LinkedHashSet<>();
        names.add("--");
        for (char c : key.toCharArray()) {
            String choices = c == '.' ? "-._" : c == '_' ? "-_" : String.valueOf(c);
            Set<String> longer = new LinkedHashSet<>();
            for (String prefix : names) {
                for (char choice : choices.toCharArray()) {
                    longer.add(prefix + choice);
                }
            }
            names = longer;
        }
        return names;
    }

    private static String lines(List<String> lines, String before) {
        return lines.isEmpty() ? "" : before + String.join("\n", lines) + "\n";
    }

    private static String lines(String[] lines, String before) {
        return lines(List.of(lines), before);
    }

    /** The parameters and flags, one per line: label, then its description lines aligned in one column. */
    private static String flagList(CommandSpec spec) {
        Map<String, String[]> rows = new LinkedHashMap<>();
        for (PositionalParamSpec p : spec.positionalParameters()) {
            if (!p.hidden() && p.description().length > 0) {
                rows.put(p.paramLabel(), p.description());
            }
        }
        for (OptionSpec o : flags(spec)) {
            String label = o.usageHelp() ? "-h, --help" : displayName(o) + (o.arity().max() > 0 ? " " + o.paramLabel() : "");
            rows.put(label, o.description());
        }
        int column = rows.keySet().stream().mapToInt(String::length).max().orElse(0) + 5;
        StringBuilder sb = new StringBuilder();
        rows.forEach((label, description) -> {
            String first = "  " + label;
            sb.append(first);
            for (int i = 0; i < Math.max(1, description.length); i++) {
                String pad = i == 0 ? " ".repeat(column - first.length()) : " ".repeat(column);
                sb.append(pad).append(description.length == 0 ? "" : description[i]).append('\n');
            }
        });
        return sb.toString();
    }

    /** The command's options, help last. */
    private static List<OptionSpec> flags(CommandSpec spec) {
        return spec.options().stream().filter(o -> !o.hidden()).sorted(Comparator.comparing(OptionSpec::usageHelp)).toList();
    }

    /** How a flag is named in help and messages: its first long name. */
    private static String displayName(OptionSpec o) {
        for (String n : o.names()) {
            if (n.startsWith("--")) {
                return n;
            }
        }
        return o.longestName();
    }

    private static boolean looksLikeFlag(String arg) {
        if (arg.length() < 2 || !arg.startsWith("-")) {
            return false;
        }
        try {
            Double.parseDouble(arg);
            return false;
        } catch (NumberFormatException e) {
            return true;
        }
    }

    /** What every command prints for a parameter it cannot take: one sentence; exit status 2. */
    private static final class OneSentence implements IParameterExceptionHandler {
        private final PrintStream err;

        OneSentence(PrintStream err) {
            this.err = err;
        }

        @Override
        public int handleParseException(ParameterException e, String[] args) {
            return usageError(err, sentence(e, args));
        }
    }

    static String sentence(ParameterException e, String[] args) {
        CommandSpec spec = e.getCommandLine().getCommandSpec();
        if (e instanceof UnmatchedArgumentException u && !u.getUnmatched().isEmpty()) {
            String arg = u.getUnmatched().get(0);
            return looksLikeFlag(arg) ? unknownFlag(arg, spec) : unexpected(arg, spec);
        }
        Matcher flagForValue = FLAG_FOR_VALUE.matcher(String.valueOf(e.getMessage()));
        if (flagForValue.find()) { // --model --mdoel: picocli refuses the unknown flag as the value
            return "flag " + flagForValue.group(1) + " needs a value";
        }
        if (e instanceof MissingParameterException m) {
            for (ArgSpec a : m.getMissing()) {
                if (a instanceof OptionSpec o) {
                    return "flag " + typed(o, args) + " needs a value";
                }
            }
        }
        String message = e.getMessage();
        return message.isEmpty() ? message : Character.toLowerCase(message.charAt(0)) + message.substring(1);
    }

    private static String unknownFlag(String arg, CommandSpec spec) {
        String flag = arg.contains("=") ? arg.substring(0, arg.indexOf('=')) : arg;
        return "unknown flag " + flag + nearest(flag.replaceFirst("^-+", ""), spec).map(f -> ": did you mean " + f + "?")
                .orElseGet(() -> ": " + everyFlag(spec));
    }

    /** The command's flag {@code name} most likely means: a trial setting's by its aliases and slips, else one a slip away. */
    private static Optional<String> nearest(String name, CommandSpec spec) {
        Optional<String> setting = Setting.nearest(name).map(s -> "--" + flagName(s)).filter(f -> spec.findOption(f) != null);
        if (setting.isPresent()) {
            return setting;
        }
        Map<String, String> byName = new LinkedHashMap<>();
        for (OptionSpec o : flags(spec)) {
            for (String n : o.names()) {
                byName.putIfAbsent(n.replaceFirst("^-+", ""), displayName(o));
            }
        }
        return Setting.nearestOf(name, byName.keySet()).map(byName::get);
    }

    private static String everyFlag(CommandSpec spec) {
        List<String> names = flags(spec).stream().map(Cli::displayName).toList();
        if (names.size() == 1) {
            return "the only flag is " + names.get(0);
        }
        if (names.size() > LISTED_FLAGS) {
            return "run with --help to see every flag";
        }
        return "use " + String.join(", ", names.subList(0, names.size() - 1)) + " or " + names.get(names.size() - 1);
    }

    private static String unexpected(String arg, CommandSpec spec) {
        List<OptionSpec> own = flags(spec).stream().filter(o -> !o.usageHelp()).toList();
        return "unexpected argument '" + arg + "': " + (own.isEmpty() ? "see --help for what the command takes"
                : "every option is a flag such as " + displayName(own.get(0)) + " (see --help)");
    }

    /** The name of {@code option} as the user wrote it (the last time), for a message about it. */
    private static String typed(OptionSpec option, String[] args) {
        for (int i = args.length - 1; i >= 0; i--) {
            for (String n : option.names()) {
                if (args[i].equals(n) || args[i].startsWith(n + "=")) {
                    return n;
                }
            }
        }
        return displayName(option);
    }
}
