package org.layerpipe.core.partition;

/**
 * A partition that cannot be built or does not fit the model. The message is one sentence
 * that names the bad value and says how to fix it, so it can be shown to a user as is.
 */
public final class PartitionException extends IllegalArgumentException {

    private static final long serialVersionUID = 1L;

    public PartitionException(String message) {
        super(message);
    }

    /** "1 block", "3 blocks": messages read as sentences, also for counts of one. */
    static String count(int n, String noun) {
        return n + " " + (n == 1 ? noun : noun + "s");
    }
}
