package org.layerpipe.core.data;

/**
 * A training set and a test set of the same data: same example shape and classes.
 *
 * @param train examples to train on (and to fit the {@link Normalization} on)
 * @param test  held-out examples to evaluate on
 */
public record TrainTest(Dataset train, Dataset test) {

    public TrainTest {
        if (train == null || test == null) {
            throw new DataException("a train/test pair needs both sets, got " + (train == null ? "no train set" : "no test set"));
        }
        if (!train.shape().equals(test.shape()) || train.numClasses() != test.numClasses()) {
            throw new DataException("train set '" + train.name() + "' (" + train.shape() + ", " + train.numClasses()
                    + " classes) and test set '" + test.name() + "' (" + test.shape() + ", " + test.numClasses()
                    + " classes) do not match: use the two halves of one data set");
        }
    }
}
