package org.layerpipe.jobs;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.classes;
import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;

import java.util.List;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.library.Architectures;
import com.tngtech.archunit.library.Architectures.LayeredArchitecture;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The packages of spark-jobs depend downward only, as pipeline-core's do (its PackageLayersTest):
 * the jobs' main classes use everything; the report reads what the sweep driver wrote; the
 * driver uses the sweep files, the result tables and the tracker, which are independent of each other.
 */
class PackageLayersTest {

    static final String ROOT = "org.layerpipe.jobs";

    /** Highest level first; the packages of one level are independent of each other; "" is {@code ROOT} itself. */
    static final List<List<String>> LEVELS = List.of(
            List.of(""),
            List.of("report"),
            List.of("run"),
            List.of("sweep", "results", "tracking"));

    private static JavaClasses main;

    /** Each package of {@code levels} (relative to {@code root}) may be used only by the packages of the levels above it. */
    static LayeredArchitecture layered(String root, List<List<String>> levels) {
        LayeredArchitecture rule = Architectures.layeredArchitecture().consideringOnlyDependenciesInLayers();
        for (List<String> level : levels) {
            for (String p : level) {
                rule = rule.layer(name(p)).definedBy(identifier(root, p));
            }
        }
        for (int i = 0; i < levels.size(); i++) {
            String[] above = levels.subList(0, i).stream().flatMap(List::stream).map(PackageLayersTest::name).toArray(String[]::new);
            for (String p : levels.get(i)) {
                rule = above.length == 0 ? rule.whereLayer(name(p)).mayNotBeAccessedByAnyLayer()
                        : rule.whereLayer(name(p)).mayOnlyBeAccessedByLayers(above);
            }
        }
        return rule;
    }

    /** The root package alone, or a package with its subpackages. */
    private static String identifier(String root, String p) {
        return p.isEmpty() ? root : root + "." + p + "..";
    }

    private static String name(String p) {
        return p.isEmpty() ? "jobs" : p;
    }

    @BeforeAll
    static void importMainClasses() {
        // the module's own classes folder (or jar) only: quicker than searching the class path for the package
        main = new ClassFileImporter().importUrl(SweepJob.class.getProtectionDomain().getCodeSource().getLocation());
    }

    @Test
    void noPackageDependsOnItsOwnLevelOrAbove() {
        layered(ROOT, LEVELS).check(main);
    }

    @Test
    void everyPackageHasALevel() {
        classes().should().resideInAnyPackage(LEVELS.stream().flatMap(List::stream).map(p -> identifier(ROOT, p)).toArray(String[]::new))
                .because("a new package needs its place in PackageLayersTest.LEVELS")
                .check(main);
    }

    @Test
    void nd4jOnlyThroughPipelineCore() {
        noClasses().should().dependOnClassesThat().resideInAnyPackage("org.nd4j..", "org.deeplearning4j..", "org.bytedeco..")
                .because("the jobs reach ND4J through pipeline-core's nd4j package")
                .check(main);
    }
}
