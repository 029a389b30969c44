/**
 * Training and test data: readers for the Fashion-MNIST/MNIST IDX format and the CIFAR-10/100
 * binary format, a seeded synthetic set, per-channel normalisation, and seeded shuffling,
 * batching and augmentation.
 *
 * <p>Plain Java plus Hadoop's {@code FileSystem} API, so every path may be local,
 * {@code file:}, {@code hdfs:} or {@code s3a:}. No ND4J here: another package turns a
 * {@link org.layerpipe.core.data.Batch} into device arrays. Entry point:
 * {@link org.layerpipe.core.data.DataSets#load}; then
 * {@link org.layerpipe.core.data.Normalization#fit} on the training set and
 * {@link org.layerpipe.core.data.Batches#epoch} once per epoch.
 *
 * <p>Errors in data files are {@link org.layerpipe.core.data.DataException}s whose message is
 * one sentence naming the file and what is wrong with it.
 */
package org.layerpipe.core.data;
