/**
 * The optimizer as one concept: {@link org.layerpipe.core.optim.SgdSettings} (momentum, weight
 * decay), {@link org.layerpipe.core.optim.SgdRule} (the update itself, over
 * {@link org.layerpipe.core.weights.VectorOps}, so that it is checked on {@code double[]} against
 * the formula and run on device vectors by the stages), the learning-rate schedule with its
 * warm-up ({@link org.layerpipe.core.optim.LrSchedule}, {@link org.layerpipe.core.optim.OptimizerConfig})
 * and the per-update rate the executors read ({@link org.layerpipe.core.optim.LearningRate}).
 */
package org.layerpipe.core.optim;
