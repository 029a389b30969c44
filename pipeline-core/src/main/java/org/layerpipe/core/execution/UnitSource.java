package org.layerpipe.core.execution;

/** The data an executor feeds: inputs and labels of each unit (minibatch, or microbatch for GPipe) by index. */
public interface UnitSource<T> {

    T input(int unit);

    T labels(int unit);
}
