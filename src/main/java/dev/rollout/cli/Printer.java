package dev.rollout.cli;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.MapperFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import dev.rollout.ControlCharacters;
import dev.rollout.state.StateJson;
import picocli.CommandLine.Help.Ansi;

import java.util.List;

/**
 * Writes a command's result: JSON (one document on stdout) or text for people, with colour
 * only when stdout is a terminal and neither {@code --no-color} nor {@code NO_COLOR} says no.
 * Warnings go to stderr in both modes, so stdout stays one parseable document; each is one
 * line, its control characters escaped.
 */
final class Printer {

    /**
     * Built on first use: text output never needs Jackson. Static typing: each property's
     * serializer follows from its declared type (records, enums, lists and optionals of them),
     * so {@link #prepare} builds them all, where dynamic typing would look up each list's and
     * optional's serializer by its runtime class on first print, after the exports are read
     * (some 40 ms of the benchmark's serial end). The one property whose declared type is an
     * interface, a history event's details, says it is typed dynamically.
     */
    private static final class Json {
        static final ObjectMapper MAPPER = StateJson.mapper().rebuild() // a builder of a copy: the shared mapper stays as it is
                .enable(SerializationFeature.INDENT_OUTPUT).enable(MapperFeature.USE_STATIC_TYPING).build();
    }

    private final Env env;
    private final OutputFormat format;
    private final Ansi ansi;

    Printer(Env env, CommonOptions common) {
        this.env = env;
        this.format = common.format();
        boolean color = env.terminal() && !common.noColor && env.var("NO_COLOR").isEmpty();
        this.ansi = color ? Ansi.ON : Ansi.OFF;
    }

    boolean json() {
        return format == OutputFormat.JSON;
    }

    /**
     * Builds the mapper and its serializer of {@code view}, for a run that will print
     * {@code view} as JSON: Jackson's first look at the views' records (annotations, reflection,
     * its date and locale set-up) runs interpreted for some 150 ms. {@link Cli#run} calls it on a
     * thread of its own before the command line is parsed, so it is mostly done before the
     * exports are read instead of coming after them, in series. Best effort: a failure here shows
     * again, and is reported, when the view is printed.
     */
    static void prepare(Class<?> view) {
        try {
            Json.MAPPER.canSerialize(view);
        } catch (RuntimeException | LinkageError e) {
            // printing says what is wrong
        }
    }

    Ansi ansi() {
        return ansi;
    }

    /** Prints {@code view} as JSON, or the text {@code text} builds (as a Markdown code block, where a command has no Markdown view). */
    void print(Object view, java.util.function.Supplier<String> text) {
        print(view, text, () -> MarkdownViews.preformatted(text.get()));
    }

    /** Prints {@code view} as JSON, Markdown or text. */
    void print(Object view, java.util.function.Supplier<String> text, java.util.function.Supplier<String> markdown) {
        switch (format) {
            case JSON -> env.out().println(toJson(view));
            case MARKDOWN -> env.out().print(markdown.get());
            case TEXT -> env.out().print(text.get());
        }
        env.out().flush();
    }

    void warnings(List<String> warnings) {
        for (String w : warnings) {
            env.err().println(ansi.string("@|yellow warning:|@ ") + ControlCharacters.escaped(w));
        }
        env.err().flush();
    }

    static String toJson(Object view) {
        try {
            return Json.MAPPER.writeValueAsString(view);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot write JSON for " + view.getClass().getSimpleName(), e);
        }
    }
}
