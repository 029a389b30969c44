package org.layerpipe.core.model;

import java.util.ArrayList;
import java.util.List;

/**
 * A network as a sequence of blocks over a given input shape. Validated on construction:
 * every block accepts its input and the last block is the {@link Block.SoftmaxLoss}.
 *
 * @param name   short name, e.g. {@code mlp}, {@code cnn}, {@code resnet18}
 * @param input  shape of one input example
 * @param blocks the blocks, in order
 */
public record ModelSpec(String name, Shape input, List<Block> blocks) {

    public ModelSpec {
        if (name == null || name.isBlank()) {
            throw new IllegalArgumentException("model name is missing");
        }
        if (input == null) {
            throw new IllegalArgumentException("model " + name + " has no input shape");
        }
        blocks = List.copyOf(blocks);
        if (blocks.isEmpty() || !(blocks.get(blocks.size() - 1) instanceof Block.SoftmaxLoss)) {
            throw new IllegalArgumentException("model " + name + " must end with a softmax loss block");
        }
        for (int i = 0; i < blocks.size() - 1; i++) {
            if (blocks.get(i) instanceof Block.SoftmaxLoss) {
                throw new IllegalArgumentException("model " + name + " has a softmax loss at block " + i + ": it must be the last block only");
            }
        }
        Shape s = input;
        for (int i = 0; i < blocks.size(); i++) {
            try {
                s = blocks.get(i).outputShape(s);
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException("model " + name + ", block " + i + ": " + e.getMessage(), e);
            }
        }
    }

    public int numBlocks() {
        return blocks.size();
    }

    public Block block(int i) {
        return blocks.get(i);
    }

    /** Input shape of every block, plus the output shape at the end (size numBlocks + 1). */
    public List<Shape> shapes() {
        List<Shape> shapes = new ArrayList<>(blocks.size() + 1);
        Shape s = input;
        shapes.add(s);
        for (Block b : blocks) {
            s = b.outputShape(s);
            shapes.add(s);
        }
        return List.copyOf(shapes);
    }

    public Shape inputOf(int block) {
        return shapes().get(block);
    }

    public int numClasses() {
        return ((Shape.Flat) shapes().get(blocks.size())).features();
    }

    /** Parameters per block. */
    public long[] parameterCounts() {
        List<Shape> shapes = shapes();
        long[] counts = new long[blocks.size()];
        for (int i = 0; i < counts.length; i++) {
            counts[i] = blocks.get(i).parameters(shapes.get(i));
        }
        return counts;
    }

    public long totalParameters() {
        long sum = 0;
        for (long c : parameterCounts()) {
            sum += c;
        }
        return sum;
    }

    /** Estimated forward multiply-adds per example and block: balancing costs before profiling. */
    public double[] estimatedCosts() {
        List<Shape> shapes = shapes();
        double[] costs = new double[blocks.size()];
        for (int i = 0; i < costs.length; i++) {
            costs[i] = blocks.get(i).forwardMacs(shapes.get(i));
        }
        return costs;
    }

    public List<String> blockNames() {
        return blocks.stream().map(Block::name).toList();
    }
}
