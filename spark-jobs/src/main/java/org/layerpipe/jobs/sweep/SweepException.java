package org.layerpipe.jobs.sweep;

/**
 * A sweep file that cannot be used, located by file and 1-based line:
 * {@code <file>:<line>: <one sentence naming the field, the value and the fix>}.
 * The message is meant to be shown to the user as is, without a stack trace.
 */
public final class SweepException extends IllegalArgumentException {

    private static final long serialVersionUID = 1L;

    private final String file;
    private final int line;
    private final String problem;

    public SweepException(String file, int line, String problem) {
        super(file + ":" + line + ": " + problem);
        this.file = file;
        this.line = line;
        this.problem = problem;
    }

    /** The sweep file's path as the user gave it. */
    public String file() {
        return file;
    }

    /** The 1-based line of the offending part of the file. */
    public int line() {
        return line;
    }

    /** The message without its {@code <file>:<line>: } prefix. */
    public String problem() {
        return problem;
    }
}
