package dev.rollout.cli;

import picocli.CommandLine;
import picocli.CommandLine.Help;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Model.OptionSpec;
import picocli.CommandLine.Model.PositionalParamSpec;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.Writer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The man pages, troff written from the same picocli model as {@code --help}: {@code rollout(1)}
 * and one page per subcommand ({@code rollout-evaluate(1)}, {@code rollout-state-push(1)}). Every
 * text in a page is what {@code --help} prints: the description, the synopsis, each option's names,
 * label and description (defaults filled in), the footer's examples.
 *
 * <p>Not picocli-codegen's {@code ManPageGenerator}: it writes AsciiDoc, and turning that into
 * the troff {@code man} reads takes Asciidoctor, a Ruby (or JRuby, tens of megabytes) tool the build
 * would have to run; the page structure below is all it would add.
 *
 * <p>{@code mvn package} runs {@link #main} to write the pages the release archive ships;
 * {@code src/main/man/} holds the same pages, checked by {@code ManPagesTest}.
 */
public final class ManPages {

    /** What the launcher and every command read from the environment (README, "Commands"). */
    private static final String[][] ENVIRONMENT = {
        {"ROLLOUT_STATE", "The state file or postgresql:// URL when --state is not given."},
        {"ROLLOUT_NOW", "Fixes the clock (an ISO-8601 instant): replays and tests."},
        {"ROLLOUT_ACTOR", "Who acts, in the history (default: user@host)."},
        {"ROLLOUT_THREADS", "Threads that parse one export (default: every core)."},
        {"ROLLOUT_CHUNK_BYTES", "Size of the chunks they parse (default 8388608; 0 reads each export in one pass)."},
        {"ROLLOUT_JAVA_OPTS", "Extra JVM options for the launcher, split at blanks (e.g. -Xmx8g)."},
        {"JAVA_HOME", "The Java (17 or newer) the launcher runs; else java on PATH."},
        {"NO_COLOR", "No ANSI colours."},
    };

    private ManPages() {
    }

    /** Writes every page into the folder {@code args[0]}. */
    public static void main(String[] args) throws IOException {
        Path dir = Files.createDirectories(Path.of(args[0]));
        PrintWriter discard = new PrintWriter(Writer.nullWriter());
        for (Map.Entry<String, String> page : pages(Cli.build(Env.system(discard, discard))).entrySet()) {
            Files.writeString(dir.resolve(page.getKey()), page.getValue());
        }
    }

    /** File name ({@code rollout-evaluate.1}) to troff, the root's page first. */
    static Map<String, String> pages(CommandLine root) {
        Map<String, String> pages = new LinkedHashMap<>();
        String exitStatus = exitStatus(root.getCommandSpec());
        add(pages, root, version(root), exitStatus);
        return pages;
    }

    private static void add(Map<String, String> pages, CommandLine command, String version, String exitStatus) {
        CommandSpec spec = command.getCommandSpec();
        pages.put(pageName(spec) + ".1", page(command, version, exitStatus));
        for (CommandLine sub : command.getSubcommands().values()) {
            if (!sub.getCommandSpec().usageMessage().hidden()) {
                add(pages, sub, version, exitStatus);
            }
        }
    }

    /** {@code rollout}, {@code rollout-evaluate}, {@code rollout-state-push}: git's convention for subcommand pages. */
    static String pageName(CommandSpec spec) {
        return spec.qualifiedName("-");
    }

    private static String page(CommandLine command, String version, String exitStatus) {
        CommandSpec spec = command.getCommandSpec();
        Help help = new Help(spec, Help.defaultColorScheme(Help.Ansi.OFF));
        Troff t = new Troff();
        t.line(".TH " + quoted(pageName(spec).toUpperCase(Locale.ROOT)) + " 1 \"\" " + quoted(version) + " \"rollout manual\"");
        t.line(".nh"); // option names and URLs must not break at a hyphen
        t.line(".ad l");
        t.section("NAME");
        t.text(pageName(spec) + " - " + firstSentence(String.join(" ", spec.usageMessage().description())));
        t.section("SYNOPSIS");
        t.preformatted(help.synopsis(0).stripTrailing());
        t.section("DESCRIPTION");
        t.text(help.description().strip());
        List<PositionalParamSpec> parameters = spec.positionalParameters().stream().filter(p -> !p.hidden()).toList();
        if (!parameters.isEmpty()) {
            t.section("ARGUMENTS");
            for (PositionalParamSpec p : parameters) {
                t.item(escaped(p.paramLabel()), descriptionOf(help.createDefaultParameterRenderer()
                        .render(p, help.parameterLabelRenderer(), help.colorScheme())));
            }
        }
        List<OptionSpec> options = spec.options().stream().filter(o -> !o.hidden()).toList();
        if (!options.isEmpty()) {
            t.section("OPTIONS");
            for (OptionSpec o : options) {
                t.item(optionTerm(o), descriptionOf(help.createDefaultOptionRenderer()
                        .render(o, help.parameterLabelRenderer(), help.colorScheme())));
            }
        }
        Map<String, CommandLine> subs = new LinkedHashMap<>(command.getSubcommands());
        subs.values().removeIf(s -> s.getCommandSpec().usageMessage().hidden());
        if (!subs.isEmpty()) {
            t.section("COMMANDS");
            for (CommandLine sub : subs.values()) {
                CommandSpec s = sub.getCommandSpec();
                t.item("\\fB" + escaped(s.name()) + "\\fR", String.join(" ", s.usageMessage().description())
                        + " See " + pageName(s) + "(1).");
            }
        }
        footer(t, help);
        t.section("EXIT STATUS");
        t.text(exitStatus);
        if (spec.parent() == null) {
            t.section("ENVIRONMENT");
            for (String[] variable : ENVIRONMENT) {
                t.item("\\fB" + variable[0] + "\\fR", variable[1]);
            }
        }
        t.section("SEE ALSO");
        t.text(seeAlso(command));
        return t.toString();
    }

    /** The footer's sections ("Examples:" and what follows it) as they print in --help: example lines keep their layout. */
    private static void footer(Troff t, Help help) {
        String name = null;
        List<String> lines = new ArrayList<>();
        for (String line : help.footer().split("\r?\n", -1)) {
            if (line.endsWith(":") && !line.startsWith(" ")) {
                if (name != null) {
                    t.section(name);
                    t.preformatted(String.join("\n", lines).stripTrailing());
                }
                name = line.substring(0, line.length() - 1).toUpperCase(Locale.ROOT);
                lines.clear();
            } else if (name != null) {
                lines.add(line);
            }
        }
        if (name != null) {
            t.section(name);
            t.preformatted(String.join("\n", lines).stripTrailing());
        }
    }

    /** The root's footer says what each exit code means; every page repeats it, as git's pages do not but scripts need. */
    private static String exitStatus(CommandSpec root) {
        for (String line : root.usageMessage().footer()) {
            if (line.startsWith("Exit codes: ")) {
                return line.substring("Exit codes: ".length());
            }
        }
        throw new IllegalStateException("the root command's footer no longer lists the exit codes");
    }

    private static String seeAlso(CommandLine command) {
        CommandSpec spec = command.getCommandSpec();
        List<String> refs = new ArrayList<>();
        if (spec.parent() != null) {
            refs.add(pageName(spec.parent()) + "(1)");
        }
        for (CommandLine sub : command.getSubcommands().values()) {
            refs.add(pageName(sub.getCommandSpec()) + "(1)");
        }
        if (refs.isEmpty() || spec.parent() != null && spec.parent().parent() == null) {
            refs.add("the README, whose \"Commands\" section this page details");
        }
        return String.join(", ", refs);
    }

    private static String optionTerm(OptionSpec o) {
        StringBuilder term = new StringBuilder();
        for (String name : o.names()) {
            if (term.length() > 0) {
                term.append(", ");
            }
            term.append("\\fB").append(escaped(name)).append("\\fR");
        }
        if (o.arity().max() > 0) {
            term.append("=\\fI").append(escaped(o.paramLabel())).append("\\fR");
        }
        return term.toString();
    }

    /** The description column of a help row, its lines joined: picocli has filled in defaults and {@code %n}. */
    private static String descriptionOf(Help.Ansi.Text[][] rows) {
        List<String> parts = new ArrayList<>();
        for (Help.Ansi.Text[] row : rows) {
            String s = row[row.length - 1].plainString().strip();
            if (!s.isEmpty()) {
                parts.add(s);
            }
        }
        return String.join(" ", parts);
    }

    private static String version(CommandLine root) {
        try {
            return root.getCommandSpec().versionProvider().getVersion()[0];
        } catch (Exception e) {
            throw new IllegalStateException("no version for the man pages", e);
        }
    }

    private static String firstSentence(String description) {
        int end = description.indexOf(". ");
        String s = end < 0 ? description : description.substring(0, end + 1);
        return s.endsWith(".") ? s.substring(0, s.length() - 1) : s;
    }

    private static String quoted(String s) {
        return "\"" + escaped(s).replace("\"", "\\(dq") + "\"";
    }

    /**
     * Text as troff prints it literally: a backslash is troff's escape, and a dash must be
     * {@code \-} to stay the ASCII minus that an option copied from the page needs.
     */
    static String escaped(String s) {
        return s.replace("\\", "\\e").replace("-", "\\-");
    }

    /** Builds a page; every line of text is guarded against reading as a request (a leading '.' or '''). */
    private static final class Troff {
        private final StringBuilder out = new StringBuilder();

        void line(String request) {
            out.append(request).append('\n');
        }

        void section(String name) {
            line(".SH " + quoted(name));
        }

        void text(String text) {
            for (String l : text.split("\n")) {
                if (l.isBlank()) {
                    line(".PP");
                } else {
                    line("\\&" + escaped(l.strip()));
                }
            }
        }

        /** An already escaped term, and its text. */
        void item(String term, String text) {
            line(".TP");
            line(term);
            text(text);
        }

        void preformatted(String text) {
            line(".PP");
            line(".nf");
            line(".RS 4");
            for (String l : text.split("\n")) {
                line("\\&" + escaped(l));
            }
            line(".RE");
            line(".fi");
        }

        @Override
        public String toString() {
            return out.toString();
        }
    }
}
