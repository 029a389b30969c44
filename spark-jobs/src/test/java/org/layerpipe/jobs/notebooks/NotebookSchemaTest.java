package org.layerpipe.jobs.notebooks;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Every note in {@code notebooks/} is one Zeppelin can import as it is: the fields of its note
 * schema, paragraphs bound to an interpreter, chart settings where Zeppelin reads them, forms
 * declared as Zeppelin declares them, and outputs cleared.
 */
class NotebookSchemaTest {

    private static final Pattern FILE_NAME = Pattern.compile("(.+)_([0-9A-Z]{9})\\.zpln");
    private static final Pattern NOTE_ID = Pattern.compile("[0-9A-Z]{9}");
    private static final Pattern PARAGRAPH_ID = Pattern.compile("paragraph_\\d{13}_-?\\d{1,10}");
    private static final Set<String> INTERPRETERS = Set.of("%spark.sql", "%md");
    private static final Set<String> CHART_MODES = Set.of("table", "lineChart", "multiBarChart", "scatterChart",
            "pieChart", "stackedAreaChart");
    private static final Set<String> AGGREGATIONS = Set.of("sum", "count", "avg", "min", "max");
    /** What a cleared note must not hold: Zeppelin's output and run fields. */
    private static final List<String> RUN_FIELDS = List.of("results", "result", "dateStarted", "dateFinished", "errorMessage");
    private static final String RESULTS_FORM_DEFAULT = "/tmp/layerpipe-results";

    static Stream<Path> notes() {
        return ZeppelinNote.readAll(ZeppelinNote.folder()).stream().map(ZeppelinNote::file);
    }

    @Test
    void theNotesWeShipAreThere() {
        Set<String> names = new HashSet<>();
        ZeppelinNote.readAll(ZeppelinNote.folder()).forEach(n -> names.add(n.name()));
        assertEquals(Set.of("Sweep overview", "EMA vs stashing", "Pipeline cost"), names);
        assertTrue(Files.isRegularFile(ZeppelinNote.folder().resolve("README.md")), "notebooks/README.md");
    }

    @Test
    void idsAreUniqueAcrossNotes() {
        Set<String> seen = new HashSet<>();
        for (ZeppelinNote note : ZeppelinNote.readAll(ZeppelinNote.folder())) {
            assertTrue(seen.add(note.id()), "note id " + note.id() + " is used twice");
            for (ZeppelinNote.Paragraph p : note.paragraphs()) {
                assertTrue(seen.add(p.id()), p.label() + ": paragraph id " + p.id() + " is used twice");
            }
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("notes")
    void hasTheFieldsOfZeppelinsNoteSchema(Path file) {
        ZeppelinNote note = ZeppelinNote.read(file);
        JsonNode json = note.json();
        assertTrue(json.path("name").isTextual() && !note.name().isBlank(), "name");
        assertTrue(NOTE_ID.matcher(note.id()).matches(), "id must be 9 uppercase letters or digits, got " + note.id());
        assertEquals("spark", json.path("defaultInterpreterGroup").asText(), "defaultInterpreterGroup");
        assertTrue(json.path("version").isTextual() && !json.path("version").asText().isBlank(), "version");
        for (String field : List.of("noteParams", "noteForms", "angularObjects", "config", "info")) {
            assertTrue(json.path(field).isObject(), field + " must be an object");
        }
        assertTrue(json.path("paragraphs").isArray() && json.path("paragraphs").size() > 1, "paragraphs");
        Matcher m = FILE_NAME.matcher(file.getFileName().toString());
        assertTrue(m.matches(), "file name must be <name>_<id>.zpln, got " + file.getFileName());
        assertEquals(note.name(), m.group(1), "file name starts with the note's name");
        assertEquals(note.id(), m.group(2), "file name ends with the note's id");
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("notes")
    void everyParagraphIsBoundAndSettled(Path file) {
        List<ZeppelinNote.Paragraph> paragraphs = ZeppelinNote.read(file).paragraphs();
        assertEquals("%md", paragraphs.get(0).interpreter(), "the first paragraph explains the note in %md");
        for (ZeppelinNote.Paragraph p : paragraphs) {
            JsonNode json = p.json();
            assertTrue(PARAGRAPH_ID.matcher(p.id()).matches(), p.label() + ": id like paragraph_1700000000000_123456789, got " + p.id());
            assertTrue(json.path("text").isTextual(), p.label() + ": text");
            assertTrue(INTERPRETERS.contains(p.interpreter()), p.label() + ": the first line must bind %spark.sql or %md, got '"
                    + p.text().lines().findFirst().orElse("") + "'");
            assertFalse(p.body().isBlank(), p.label() + ": empty paragraph");
            assertTrue(json.path("config").isObject(), p.label() + ": config");
            assertTrue(json.path("settings").path("params").isObject(), p.label() + ": settings.params");
            assertTrue(json.path("settings").path("forms").isObject(), p.label() + ": settings.forms");
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("notes")
    void outputsAreCleared(Path file) throws IOException {
        for (ZeppelinNote.Paragraph p : ZeppelinNote.read(file).paragraphs()) {
            for (String field : RUN_FIELDS) {
                assertFalse(p.json().has(field), p.label() + ": holds '" + field + "': clear the note's output and run state"
                        + " (notebooks/README.md shows how)");
            }
            assertEquals("READY", p.json().path("status").asText(), p.label() + ": status must be READY in a cleared note");
            assertTrue(p.json().path("runtimeInfos").isMissingNode() || p.json().path("runtimeInfos").isEmpty(),
                    p.label() + ": runtimeInfos holds a run's Spark job links: empty it");
        }
        assertFalse(Files.readString(file).contains("$$hashKey"), "Angular's $$hashKey fields are editor state, not note content");
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("notes")
    void sqlParagraphsHaveChartSettingsWhereZeppelinReadsThem(Path file) {
        for (ZeppelinNote.Paragraph p : ZeppelinNote.read(file).paragraphs()) {
            if (!p.isSql()) {
                continue;
            }
            assertFalse(p.title().isBlank(), p.label() + ": SQL paragraphs carry a title");
            JsonNode graph = p.graph();
            assertTrue(graph.isObject(), p.label() + ": config.results[\"0\"].graph is missing");
            String mode = graph.path("mode").asText();
            assertTrue(CHART_MODES.contains(mode), p.label() + ": graph mode " + mode);
            for (String role : List.of("keys", "groups", "values")) {
                assertTrue(graph.path(role).isArray(), p.label() + ": graph." + role + " must be a list");
            }
            for (ZeppelinNote.ChartColumn c : p.chartColumns()) {
                assertFalse(c.name().isBlank(), p.label() + ": a " + c.role() + " column has no name");
                assertTrue(c.index() >= 0, p.label() + ": " + c.role() + " column " + c.name() + " has no index");
                assertTrue(AGGREGATIONS.contains(c.aggr()), p.label() + ": " + c.role() + " column " + c.name()
                        + " has aggr '" + c.aggr() + "'");
            }
            switch (mode) {
                case "lineChart", "multiBarChart", "stackedAreaChart", "pieChart" -> {
                    assertFalse(graph.path("keys").isEmpty(), p.label() + ": a " + mode + " needs keys");
                    assertFalse(graph.path("values").isEmpty(), p.label() + ": a " + mode + " needs values");
                }
                case "scatterChart" -> {
                    JsonNode scatter = graph.path("setting").path("scatterChart");
                    assertTrue(scatter.path("xAxis").isObject() && scatter.path("yAxis").isObject(),
                            p.label() + ": a scatter chart keeps xAxis and yAxis in graph.setting.scatterChart");
                }
                default -> {
                }
            }
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("notes")
    void formsAreDeclaredAsZeppelinDeclaresThem(Path file) {
        for (ZeppelinNote.Paragraph p : ZeppelinNote.read(file).paragraphs()) {
            List<DynamicForms.Form> occurrences = DynamicForms.occurrences(p.text());
            Map<String, DynamicForms.Form> forms = DynamicForms.forms(p.text());
            for (DynamicForms.Form f : occurrences) {
                // Zeppelin declares one form per name: every occurrence must give the same default.
                assertEquals(forms.get(f.name()), f, p.label() + ": form " + f.name() + " is written two ways");
                if (f.isSelect()) {
                    assertTrue(f.options().contains(f.defaultValue()), p.label() + ": select " + f.name()
                            + " defaults to " + f.defaultValue() + ", not one of " + f.options());
                }
            }
            JsonNode declared = p.json().path("settings").path("forms");
            JsonNode params = p.json().path("settings").path("params");
            assertEquals(forms.keySet(), names(declared), p.label() + ": settings.forms");
            assertEquals(forms.keySet(), names(params), p.label() + ": settings.params");
            forms.values().forEach(f -> {
                JsonNode d = declared.path(f.name());
                assertEquals(f.type(), d.path("type").asText(), p.label() + ": form " + f.name() + " type");
                assertEquals(f.name(), d.path("name").asText(), p.label() + ": form " + f.name() + " name");
                assertEquals(f.defaultValue(), d.path("defaultValue").asText(), p.label() + ": form " + f.name() + " default");
                assertEquals(f.defaultValue(), params.path(f.name()).asText(), p.label() + ": form " + f.name()
                        + " holds a typed value, not its default: reset settings.params");
            });
            if (p.isSql()) {
                DynamicForms.Form results = forms.get("results");
                assertTrue(results != null && results.defaultValue().equals(RESULTS_FORM_DEFAULT), p.label()
                        + ": reads the sweep's tables through the form ${results=" + RESULTS_FORM_DEFAULT + "}");
                assertTrue(p.body().contains("parquet.`${results=" + RESULTS_FORM_DEFAULT + "}/"), p.label()
                        + ": reads parquet.`${results=...}/trials` or /epochs");
            }
        }
    }

    private static Set<String> names(JsonNode object) {
        Set<String> names = new HashSet<>();
        for (Iterator<String> it = object.fieldNames(); it.hasNext(); ) {
            names.add(it.next());
        }
        return names;
    }
}
