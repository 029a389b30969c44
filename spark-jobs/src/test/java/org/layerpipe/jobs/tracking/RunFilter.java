package org.layerpipe.jobs.tracking;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The part of MLflow's run search syntax that {@link InMemoryTracker} understands: comparisons
 * joined by {@code AND}, e.g. {@code tags."mlflow.parentRunId" = 'abc' AND metrics.acc > 0.8}.
 * Entities: {@code params.}, {@code tags.}, {@code metrics.}, {@code attributes.} ({@code
 * status}, {@code run_name}, {@code run_id}); operators {@code = != < <= > >= LIKE ILIKE}.
 */
final class RunFilter {

    private record Clause(String entity, String key, String op, String text, Double number) {}

    // entity . key  op  value ; key is plain (dots allowed), `quoted`, or "quoted".
    private static final Pattern CLAUSE = Pattern.compile(
            "\\s*(?:(params?|tags?|metrics?|attributes?|attr|run)\\.)?(`[^`]+`|\"[^\"]+\"|[\\w.]+)\\s*"
                    + "(!=|<=|>=|=|<|>|(?i:ilike|like))\\s*('(?:[^']*)'|\"(?:[^\"]*)\"|-?[\\d.]+(?:[eE][-+]?\\d+)?)\\s*");
    private static final Pattern AND = Pattern.compile("\\s+(?i:and)\\s+");

    private final List<Clause> clauses;

    private RunFilter(List<Clause> clauses) {
        this.clauses = clauses;
    }

    static RunFilter parse(String filter) {
        List<Clause> clauses = new ArrayList<>();
        if (filter != null && !filter.isBlank()) {
            for (String part : AND.split(filter.strip())) {
                Matcher m = CLAUSE.matcher(part);
                if (!m.matches()) {
                    throw new IllegalArgumentException("InMemoryTracker cannot parse filter clause '" + part.strip() + "' of '" + filter
                            + "': it supports <params|tags|metrics|attributes>.<key> <op> <value> joined by AND");
                }
                String entity = normalize(m.group(1));
                String key = unquote(m.group(2));
                String op = m.group(3).toUpperCase(Locale.ROOT);
                String value = m.group(4);
                boolean quoted = value.startsWith("'") || value.startsWith("\"");
                String text = quoted ? value.substring(1, value.length() - 1) : value;
                Double number = quoted ? null : Double.valueOf(value);
                if (entity.equals("metrics") && number == null) {
                    throw new IllegalArgumentException("filter clause '" + part.strip() + "' compares a metric with text; use a number");
                }
                clauses.add(new Clause(entity, key, op, text, number));
            }
        }
        return new RunFilter(clauses);
    }

    boolean matches(RunInfo run) {
        for (Clause c : clauses) {
            if (!matches(c, run)) {
                return false;
            }
        }
        return true;
    }

    private static boolean matches(Clause c, RunInfo run) {
        switch (c.entity) {
            case "metrics" -> {
                Double v = run.latestMetrics().get(c.key);
                return v != null && compare(Double.compare(v, c.number), c.op);
            }
            case "params" -> {
                return compareText(run.params().get(c.key), c);
            }
            case "tags" -> {
                return compareText(run.tags().get(c.key), c);
            }
            default -> {
                String value = switch (c.key) {
                    case "status" -> run.status().name();
                    case "run_name" -> run.name();
                    case "run_id" -> run.runId();
                    default -> throw new IllegalArgumentException("InMemoryTracker filters on attributes status, run_name and run_id, not '"
                            + c.key + "'");
                };
                return compareText(value, c);
            }
        }
    }

    private static boolean compareText(String value, Clause c) {
        if (value == null) {
            return false;
        }
        return switch (c.op) {
            case "LIKE" -> like(value, c.text, false);
            case "ILIKE" -> like(value, c.text, true);
            default -> compare(value.compareTo(c.text), c.op);
        };
    }

    private static boolean compare(int cmp, String op) {
        return switch (op) {
            case "=" -> cmp == 0;
            case "!=" -> cmp != 0;
            case "<" -> cmp < 0;
            case "<=" -> cmp <= 0;
            case ">" -> cmp > 0;
            case ">=" -> cmp >= 0;
            default -> throw new IllegalArgumentException("operator " + op + " needs a text value");
        };
    }

    private static boolean like(String value, String pattern, boolean ignoreCase) {
        StringBuilder regex = new StringBuilder();
        for (char ch : pattern.toCharArray()) {
            switch (ch) {
                case '%' -> regex.append(".*");
                case '_' -> regex.append('.');
                default -> regex.append(Pattern.quote(String.valueOf(ch)));
            }
        }
        int flags = ignoreCase ? Pattern.CASE_INSENSITIVE | Pattern.UNICODE_CASE : 0;
        return Pattern.compile(regex.toString(), flags | Pattern.DOTALL).matcher(value).matches();
    }

    private static String normalize(String entity) {
        if (entity == null) {
            return "attributes";
        }
        return switch (entity) {
            case "param", "params" -> "params";
            case "tag", "tags" -> "tags";
            case "metric", "metrics" -> "metrics";
            default -> "attributes";
        };
    }

    private static String unquote(String key) {
        if ((key.startsWith("`") && key.endsWith("`")) || (key.startsWith("\"") && key.endsWith("\""))) {
            return key.substring(1, key.length() - 1);
        }
        return key;
    }
}
