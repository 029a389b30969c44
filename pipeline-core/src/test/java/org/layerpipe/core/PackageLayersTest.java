package org.layerpipe.core;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.classes;
import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;

import java.util.List;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.library.Architectures;
import com.tngtech.archunit.library.Architectures.LayeredArchitecture;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.layerpipe.core.cli.Main;

/**
 * The packages of pipeline-core depend downward only: a package uses packages of lower levels,
 * never one of its own level or above, so every concept has one home below everything that uses it.
 * Checked on the compiled main classes (ArchUnit), so a fully qualified name counts like an import.
 * spark-jobs has the same test for its packages.
 */
class PackageLayersTest {

    static final String ROOT = "org.layerpipe.core";

    /**
     * Highest level first; the packages of one level are independent of each other. optim sits above
     * weights because its update rule runs over {@code weights.VectorOps}; plan above what it simulates
     * (schedule, partition, model, weight memory), and below train, which plans a trial.
     */
    static final List<List<String>> LEVELS = List.of(
            List.of("cli"),
            List.of("nd4j"),
            List.of("train"),
            List.of("execution", "plan"),
            List.of("stage", "optim"),
            List.of("weights", "data"),
            List.of("schedule"),
            List.of("partition", "model"),
            List.of("text"));

    private static JavaClasses main;

    /** Each package of {@code levels} (relative to {@code root}) may be used only by the packages of the levels above it. */
    static LayeredArchitecture layered(String root, List<List<String>> levels) {
        LayeredArchitecture rule = Architectures.layeredArchitecture().consideringOnlyDependenciesInLayers();
        for (List<String> level : levels) {
            for (String p : level) {
                rule = rule.layer(p).definedBy(root + "." + p + "..");
            }
        }
        for (int i = 0; i < levels.size(); i++) {
            String[] above = levels.subList(0, i).stream().flatMap(List::stream).toArray(String[]::new);
            for (String p : levels.get(i)) {
                rule = above.length == 0 ? rule.whereLayer(p).mayNotBeAccessedByAnyLayer()
                        : rule.whereLayer(p).mayOnlyBeAccessedByLayers(above);
            }
        }
        return rule;
    }

    @BeforeAll
    static void importMainClasses() {
        // the module's own classes folder (or jar) only: quicker than searching the class path for the package
        main = new ClassFileImporter().importUrl(Main.class.getProtectionDomain().getCodeSource().getLocation());
    }

    @Test
    void noPackageDependsOnItsOwnLevelOrAbove() {
        layered(ROOT, LEVELS).check(main);
    }

    @Test
    void everyPackageHasALevel() {
        classes().should().resideInAnyPackage(LEVELS.stream().flatMap(List::stream).map(p -> ROOT + "." + p + "..").toArray(String[]::new))
                .because("a new package needs its place in PackageLayersTest.LEVELS")
                .check(main);
    }

    @Test
    void onlyTheNd4jPackageUsesNd4jOrDeeplearning4j() {
        noClasses().that().resideOutsideOfPackage("org.layerpipe.core.nd4j..")
                .should().dependOnClassesThat().resideInAnyPackage("org.nd4j..", "org.deeplearning4j..", "org.bytedeco..")
                .because("ND4J and Deeplearning4j types stay inside the one adapter package")
                .check(main);
    }
}
