package org.layerpipe.jobs.notebooks;

import java.nio.file.Files;
import java.nio.file.Path;

/** A top-level folder of the repository, seen from a module (Maven's working directory for tests) or from the root. */
public final class RepoFolder {

    private RepoFolder() {
    }

    /** @throws IllegalStateException when neither {@code ../name} nor {@code name} is a folder */
    public static Path find(String name) {
        Path cwd = Path.of("").toAbsolutePath();
        for (Path candidate : new Path[] {cwd.resolveSibling(name), cwd.resolve(name)}) {
            if (Files.isDirectory(candidate)) {
                return candidate.normalize();
            }
        }
        throw new IllegalStateException("no " + name + "/ folder next to or under " + cwd + ": run the tests from the repository");
    }
}
