package org.layerpipe.core.train;

/** Mean loss and accuracy over a data set. */
public record Evaluation(double loss, double accuracy, long examples) {
}
