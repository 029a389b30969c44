package org.layerpipe.core.model;

/** Shape helpers shared by the block descriptions. */
final class Blocks {

    private Blocks() {
    }

    static Shape.Image image(Shape in, String block) {
        if (in instanceof Shape.Image img) {
            return img;
        }
        throw new IllegalArgumentException(block + " needs an image input but gets " + in);
    }

    static int channels(Shape in) {
        return in instanceof Shape.Image img ? img.channels() : ((Shape.Flat) in).features();
    }
}
