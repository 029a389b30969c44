package org.layerpipe.core.model;

/** Element-wise nonlinearities a block can apply. */
public enum Activation {
    IDENTITY, RELU, TANH, SIGMOID
}
