package org.layerpipe.core.train;

import java.util.ServiceLoader;

import org.layerpipe.core.model.ModelSpec;
import org.layerpipe.core.model.Shape;

/**
 * Turns a network file of another framework ({@code model: dl4j:PATH}) into blocks. The
 * implementation needs that framework's types, so it lives in the {@code nd4j} package and is
 * found with {@link ServiceLoader}: configs stay plain Java and still build every model.
 */
public interface ModelImporter {

    /** The model prefix it reads, without the colon, e.g. {@code dl4j}. */
    String prefix();

    /**
     * The blocks of the network in {@code model.file()}, for examples of shape {@code input} and
     * {@code classes} classes.
     *
     * @throws ModelImportException one sentence naming the file, or the layer that cannot be pipelined
     */
    ModelSpec build(ModelConfig model, Shape input, int classes);

    /** The importer for {@code prefix}, or an error when none is on the class path. */
    static ModelImporter find(String prefix) {
        for (ModelImporter importer : ServiceLoader.load(ModelImporter.class, ModelImporter.class.getClassLoader())) {
            if (importer.prefix().equals(prefix)) {
                return importer;
            }
        }
        throw new ModelImportException("no importer of " + prefix + ": models is on the class path (it comes with pipeline-core's nd4j package)");
    }
}
