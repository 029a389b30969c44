package org.layerpipe.jobs.notebooks;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Zeppelin's paragraph-level dynamic forms in a paragraph's text, the two kinds the notes use:
 * a text box {@code ${name=default}} (or {@code ${name}}) and a select
 * {@code ${name=default,option1|option2}} (an option may carry a label: {@code value(Label)}).
 * Zeppelin replaces each form with its value before the interpreter sees the text; {@link #fill}
 * does the same so the SQL can run outside Zeppelin.
 */
public final class DynamicForms {

    /** What Zeppelin matches, minus its optional hidden-form prefix {@code _}. */
    private static final Pattern FORM = Pattern.compile("\\$\\{([^=}]*)(?:=([^}]*))?}");

    private DynamicForms() {
    }

    /**
     * One form occurrence.
     *
     * @param options the select's option values; empty for a text box
     */
    public record Form(String name, String defaultValue, List<String> options) {

        public boolean isSelect() {
            return !options.isEmpty();
        }

        /** Zeppelin's name for the form type in {@code settings.forms}. */
        public String type() {
            return isSelect() ? "Select" : "TextBox";
        }
    }

    /**
     * Every form occurrence in {@code text}, in order (a name may occur more than once).
     *
     * @throws IllegalArgumentException for kinds the notes do not use (checkbox, password, note-level {@code $${..}})
     */
    public static List<Form> occurrences(String text) {
        List<Form> forms = new ArrayList<>();
        Matcher m = FORM.matcher(text);
        while (m.find()) {
            if (m.start() > 0 && text.charAt(m.start() - 1) == '$') {
                throw new IllegalArgumentException("note-level form $" + m.group() + " is not supported here: use ${...}");
            }
            String name = m.group(1).strip();
            if (name.isEmpty() || name.contains(":")) {
                throw new IllegalArgumentException("form " + m.group() + " is not a text box or select: use ${name=default}");
            }
            String spec = m.group(2) == null ? "" : m.group(2);
            int comma = spec.indexOf(',');
            if (comma < 0) {
                forms.add(new Form(name, spec.strip(), List.of()));
            } else {
                List<String> options = new ArrayList<>();
                for (String option : spec.substring(comma + 1).split("\\|")) {
                    String value = option.strip();
                    int label = value.indexOf('(');
                    options.add(label > 0 && value.endsWith(")") ? value.substring(0, label) : value);
                }
                forms.add(new Form(name, spec.substring(0, comma).strip(), List.copyOf(options)));
            }
        }
        return forms;
    }

    /** The forms of {@code text} by name, first occurrence first. */
    public static Map<String, Form> forms(String text) {
        Map<String, Form> forms = new LinkedHashMap<>();
        occurrences(text).forEach(f -> forms.putIfAbsent(f.name(), f));
        return forms;
    }

    /** {@code text} with every form replaced by {@code values.get(name)}, or by its default when not given. */
    public static String fill(String text, Map<String, String> values) {
        Map<String, Form> forms = forms(text);
        Matcher m = FORM.matcher(text);
        StringBuilder out = new StringBuilder();
        while (m.find()) {
            String name = m.group(1).strip();
            String value = values.containsKey(name) ? values.get(name) : forms.get(name).defaultValue();
            m.appendReplacement(out, Matcher.quoteReplacement(value));
        }
        m.appendTail(out);
        return out.toString();
    }
}
