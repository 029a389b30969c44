package org.layerpipe.core.train;

import java.util.List;

/**
 * One trial setting as users write it: the same key in {@code train} flags
 * ({@code --key value}), sweep files and MLflow params.
 *
 * @param key          e.g. {@code partition}
 * @param defaultValue canonical default text
 * @param help         one line for {@code --help}
 * @param identity     whether it changes the trial's result (and so its config hash); resources do not
 */
public record Setting(String key, String defaultValue, String help, boolean identity) {

    /** Every setting, in canonical order. */
    public static final List<Setting> ALL = List.of(
            new Setting("model", "mlp", "model: mlp, cnn, resnet18, or dl4j:PATH (a DL4J configuration JSON, or a ModelSerializer"
                    + " zip whose weights start the training; the file's SHA-256 is part of the config hash)", true),
            new Setting("model.hidden", "256,128", "hidden widths of the mlp, comma-separated", true),
            new Setting("data", "fashion-mnist", "data set: fashion-mnist, mnist, cifar10, cifar100 or synthetic", true),
            new Setting("data.path", "", "folder (any Hadoop path) holding the data set's files; empty = the data set's default location", true),
            new Setting("data.train_limit", "0", "use only the first N training examples (0 = all)", true),
            new Setting("data.test_limit", "0", "use only the first N test examples (0 = all)", true),
            new Setting("data.augment", "false", "random crop (padding 4) and horizontal flip, for CIFAR", true),
            new Setting("partition", "balanced:2", "stage sizes like [2,2,1], or balanced:M for M cost-balanced stages", true),
            new Setting("schedule", "layerpipe2", "pipeline schedule: sequential, layerpipe2, 1f1b or gpipe", true),
            new Setting("microbatches", "1", "microbatches per minibatch (gpipe only)", true),
            new Setting("weights", "ema", "weights the backward uses: latest, stash or ema", true),
            new Setting("ema.rule", "pipeline-aware", "EMA rule: pipeline-aware, fixed or weight-average", true),
            new Setting("ema.beta", "0.9", "EMA decay for the fixed rule, in [0, 1)", true),
            new Setting("ema.shadow", "false", "keep an exact stash beside the EMA and report its reconstruction error", true),
            new Setting("activations", "stash", "what a stage keeps for a minibatch's backward: stash (the tensors its forward saved)"
                    + " or recompute (only the stage input; the forward is re-run with the backward's weights)", true),
            new Setting("lr", "0.05", "base learning rate", true),
            new Setting("lr_schedule", "constant", "learning-rate schedule: constant, cosine or step", true),
            new Setting("lr_warmup", "0", "epochs of linear learning-rate warm-up before the schedule (0 = none; fractions allowed)", true),
            new Setting("momentum", "0.9", "SGD momentum in [0, 1)", true),
            new Setting("weight_decay", "0", "L2 weight decay", true),
            new Setting("batch_size", "64", "examples per minibatch", true),
            new Setting("epochs", "1", "passes over the training data", true),
            new Setting("seed", "1", "seed of initial weights, shuffling and augmentation", true),
            new Setting("precision", "float", "float or double", true),
            new Setting("threads", "0", "CPU threads for the trial (0 = all cores)", false));

    /** The setting with this key, or an error listing the known keys. */
    public static Setting of(String key) {
        for (Setting s : ALL) {
            if (s.key.equals(key)) {
                return s;
            }
        }
        throw new IllegalArgumentException("unknown setting '" + key + "': known settings are "
                + String.join(", ", ALL.stream().map(Setting::key).toList()));
    }
}
