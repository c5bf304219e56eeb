package dev.halo.cli;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;

import com.tngtech.archunit.base.DescribedPredicate;
import com.tngtech.archunit.core.domain.JavaClass;
import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The package rules of docs/DESIGN (cli → app → onnx → core, one way), checked on the compiled classes of every module.
 * The halo test class path holds each module's classes (a folder or a jar named after the module).
 */
class ArchitectureTest {
    static JavaClasses halo;

    @BeforeAll
    static void importClasses() {
        // test classes come as folders (target/test-classes) or, in `verify`, as halo-core's test jar: the rules are for main code
        halo = new ClassFileImporter().withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
                .withImportOption(location -> !location.contains("-tests.jar")).importPackages("dev.halo");
    }

    /** Classes compiled from the named module (its target/classes folder or its jar). */
    static DescribedPredicate<JavaClass> inModule(String module) {
        return DescribedPredicate.describe("in module " + module,
                c -> c.getSource().map(s -> s.getUri().toString().contains("/" + module + "/")).orElse(false));
    }

    @Test
    void everyModuleIsImported() {
        for (String module : new String[] {"halo-core", "halo-onnx", "halo-app", "halo-server", "halo-cli"})
            org.assertj.core.api.Assertions.assertThat(halo.stream().filter(inModule(module)))
                    .as("classes of " + module + " on the test class path").isNotEmpty();
    }

    @Test
    void haloCoreHasNoNativeDependency() {
        noClasses().that(inModule("halo-core")).should().dependOnClassesThat()
                .resideInAnyPackage("ai.onnxruntime..", "org.sqlite..", "org.tribuo..", "com.sun.jna..", "dev.halo.onnx..", "dev.halo.measure..",
                        "dev.halo.app..", "dev.halo.cli..")
                .check(halo);
    }

    @Test
    void packagesHaveNoCycles() {
        slices().matching("dev.halo.(*)..").should().beFreeOfCycles().check(halo);
    }

    @Test
    void predictSubpackagesHaveNoCycles() {
        slices().matching("dev.halo.predict.(*)..").should().beFreeOfCycles().check(halo);
    }

    @Test
    void evalAndSearchDoNotDependOnEachOther() {
        noClasses().that().resideInAPackage("dev.halo.eval..").should().dependOnClassesThat().resideInAPackage("dev.halo.search..").check(halo);
        noClasses().that().resideInAPackage("dev.halo.search..").should().dependOnClassesThat().resideInAPackage("dev.halo.eval..").check(halo);
    }

    @Test
    void predictDoesNotDependOnEval() {
        noClasses().that().resideInAPackage("dev.halo.predict..").should().dependOnClassesThat().resideInAPackage("dev.halo.eval..").check(halo);
    }

    /**
     * The CLI parses, calls a use case of halo-app and prints: it does not export or measure networks, set up benchmarks or
     * protocols, choose or prepare methods, train, adapt or evaluate, or run measured choices itself. Values it prints
     * (reports, outcomes, a campaign's summary, a device fingerprint, round-to-round stability, a round's latency statistics, a model's kernel profile, the split a report names) and the measurement settings it parses it may use.
     */
    @Test
    void cliDoesNotReachPastTheAppIntoWorkflowInternals() {
        DescribedPredicate<JavaClass> allowed = JavaClass.Predicates.equivalentTo(dev.halo.fewshot.Split.class)
                .or(JavaClass.Predicates.equivalentTo(dev.halo.measure.MeasureSettings.class))
                .or(JavaClass.Predicates.equivalentTo(dev.halo.measure.GraphOptimization.class))
                .or(JavaClass.Predicates.equivalentTo(dev.halo.measure.MeasurementCampaign.Summary.class))
                .or(JavaClass.Predicates.equivalentTo(dev.halo.measure.DeviceFingerprint.class))
                .or(JavaClass.Predicates.equivalentTo(dev.halo.measure.Stability.class))
                .or(JavaClass.Predicates.equivalentTo(dev.halo.measure.LatencyStats.class))
                .or(JavaClass.Predicates.equivalentTo(dev.halo.measure.model.KernelProfile.Kernel.class));
        DescribedPredicate<JavaClass> internals = JavaClass.Predicates.resideInAnyPackage("dev.halo.onnx..", "dev.halo.measure..", "dev.halo.fewshot..",
                        "dev.halo.predict.registry..", "dev.halo.eval.selection..")
                .or(JavaClass.Predicates.equivalentTo(dev.halo.eval.Evaluator.class))
                .or(JavaClass.Predicates.equivalentTo(dev.halo.predict.FewShotContext.class))
                .or(JavaClass.Predicates.equivalentTo(dev.halo.predict.FewShotMethod.class))
                .or(JavaClass.Predicates.equivalentTo(dev.halo.predict.help.HelpData.class))
                .or(JavaClass.Predicates.equivalentTo(dev.halo.predict.help.HelpMetaTrainer.class))
                .or(JavaClass.Predicates.equivalentTo(dev.halo.predict.help.HelpMetaTest.class))
                .or(JavaClass.Predicates.equivalentTo(dev.halo.predict.help.HelpAdaptation.class))
                .or(JavaClass.Predicates.equivalentTo(dev.halo.predict.additive.CostModelFile.class))
                .or(JavaClass.Predicates.equivalentTo(dev.halo.search.MeasuredChoice.class))
                .or(JavaClass.Predicates.equivalentTo(dev.halo.search.BudgetBenchmark.class))
                .and(DescribedPredicate.not(allowed))
                .as("workflow internals (ONNX export and measurement, benchmarks and protocols, the method registry and preparation, "
                        + "HELP training, adaptation and meta-test, evaluation, measured choice)");
        noClasses().that().resideInAPackage("dev.halo.cli..").should().dependOnClassesThat(internals).check(halo);
    }

    /** The CLI reaches the server only through its entry point (configuration and start), never its handlers or database. */
    @Test
    void cliUsesTheServerOnlyThroughItsEntryPoint() {
        noClasses().that().resideInAPackage("dev.halo.cli..").should().dependOnClassesThat()
                .resideInAnyPackage("dev.halo.server.api..", "dev.halo.server.db..", "dev.halo.server.jobs..", "dev.halo.server.work..").check(halo);
    }

    /**
     * The server's handlers and job adapters call halo-app's use cases: they do not export or time networks, run
     * measurement campaigns, prepare few-shot methods, adapt HELP or fit op-costs, or run benchmarks themselves. Values
     * they store (a fingerprint, settings, a measurement store's rows, a prediction, a search result) they may use.
     */
    @Test
    void serverDoesNotReachPastTheAppIntoWorkflowInternals() {
        DescribedPredicate<JavaClass> internals = JavaClass.Predicates.resideInAnyPackage("dev.halo.onnx..", "dev.halo.fewshot..",
                        "dev.halo.predict.registry..", "dev.halo.predict.help..", "dev.halo.predict.additive..", "dev.halo.eval..")
                .or(JavaClass.Predicates.equivalentTo(dev.halo.measure.OrtLatencyMeter.class))
                .or(JavaClass.Predicates.equivalentTo(dev.halo.measure.MeasurementCampaign.class))
                .or(JavaClass.Predicates.equivalentTo(dev.halo.predict.FewShotMethod.class))
                .or(JavaClass.Predicates.equivalentTo(dev.halo.search.MeasuredChoice.class))
                .or(JavaClass.Predicates.equivalentTo(dev.halo.search.BudgetBenchmark.class))
                .or(JavaClass.Predicates.equivalentTo(dev.halo.search.SearchAlgorithm.class))
                .as("workflow internals (ONNX export and timing, campaigns, method preparation and fitting, evaluation, benchmarks, search algorithms)");
        noClasses().that().resideInAPackage("dev.halo.server..").should().dependOnClassesThat(internals).check(halo);
    }
}
