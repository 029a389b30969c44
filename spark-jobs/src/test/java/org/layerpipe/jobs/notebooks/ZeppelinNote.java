package org.layerpipe.jobs.notebooks;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

/**
 * A Zeppelin note ({@code .zpln}, Zeppelin 0.9+'s JSON note format) as the tests read it: its
 * paragraphs, each with the interpreter named on its first line and the chart settings
 * Zeppelin saved in {@code config.results["0"].graph}.
 *
 * @param file the note's file
 * @param json the whole note
 */
public record ZeppelinNote(Path file, JsonNode json) {

    private static final ObjectMapper JSON = new ObjectMapper();

    /** The repository's {@code notebooks/} folder, found from the module (Maven's working directory) or the root. */
    public static Path folder() {
        return RepoFolder.find("notebooks");
    }

    /** Every {@code .zpln} file in {@code folder}, by file name. */
    public static List<ZeppelinNote> readAll(Path folder) {
        try (Stream<Path> files = Files.list(folder)) {
            return files.filter(f -> f.getFileName().toString().endsWith(".zpln")).sorted().map(ZeppelinNote::read).toList();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot list " + folder, e);
        }
    }

    /** @throws IllegalArgumentException naming the file when it is not JSON */
    public static ZeppelinNote read(Path file) {
        try {
            return new ZeppelinNote(file, JSON.readTree(file.toFile()));
        } catch (IOException e) {
            throw new IllegalArgumentException(file.getFileName() + " is not valid JSON: " + e.getMessage(), e);
        }
    }

    public String name() {
        return json.path("name").asText();
    }

    public String id() {
        return json.path("id").asText();
    }

    public List<Paragraph> paragraphs() {
        List<Paragraph> paragraphs = new ArrayList<>();
        json.path("paragraphs").forEach(p -> paragraphs.add(new Paragraph(this, p)));
        return paragraphs;
    }

    /** One paragraph of a note. */
    public record Paragraph(ZeppelinNote note, JsonNode json) {

        public String id() {
            return json.path("id").asText();
        }

        public String title() {
            return json.path("title").asText("");
        }

        public String text() {
            return json.path("text").asText("");
        }

        /** The interpreter binding on the first line, e.g. {@code %spark.sql}; empty when the text does not start with one. */
        public String interpreter() {
            String first = text().lines().findFirst().orElse("").strip();
            return first.startsWith("%") ? first : "";
        }

        /** The text after the interpreter line. */
        public String body() {
            String text = text();
            int newline = text.indexOf('\n');
            return interpreter().isEmpty() ? text : newline < 0 ? "" : text.substring(newline + 1);
        }

        public boolean isSql() {
            return interpreter().equals("%spark.sql");
        }

        /** {@code Sweep overview › Trials by status}, for test names and messages. */
        public String label() {
            return note.name() + " › " + (title().isEmpty() ? id() : title());
        }

        /** The saved chart settings of the first result, or a missing node. */
        public JsonNode graph() {
            return json.path("config").path("results").path("0").path("graph");
        }

        /**
         * Every column the saved chart refers to: {@code keys}, {@code groups} and {@code values}
         * (pivot charts) and the scatter chart's {@code xAxis}, {@code yAxis}, {@code group}, {@code size}.
         */
        public List<ChartColumn> chartColumns() {
            List<ChartColumn> columns = new ArrayList<>();
            JsonNode graph = graph();
            for (String role : List.of("keys", "groups", "values")) {
                graph.path(role).forEach(c -> columns.add(ChartColumn.of(role, c)));
            }
            JsonNode scatter = graph.path("setting").path("scatterChart");
            for (String role : List.of("xAxis", "yAxis", "group", "size")) {
                if (scatter.path(role).isObject()) {
                    columns.add(ChartColumn.of("scatterChart." + role, scatter.path(role)));
                }
            }
            return columns;
        }
    }

    /**
     * A column as Zeppelin stores it in chart settings: Zeppelin reads the cell at {@code index},
     * so the index must be the column's position in the result.
     *
     * @param role  where it is used: keys, groups, values, scatterChart.xAxis, ...
     * @param aggr  sum, count, avg, min or max (used by values)
     */
    public record ChartColumn(String role, String name, int index, String aggr) {

        static ChartColumn of(String role, JsonNode c) {
            return new ChartColumn(role, c.path("name").asText(""), c.path("index").isNumber() ? c.path("index").asInt() : -1,
                    c.path("aggr").asText(""));
        }
    }
}
