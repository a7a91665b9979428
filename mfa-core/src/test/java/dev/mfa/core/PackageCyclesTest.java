package dev.mfa.core;

import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;

import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.junit.AnalyzeClasses;
import com.tngtech.archunit.junit.ArchTest;
import com.tngtech.archunit.lang.ArchRule;

/** mfa-core's packages depend on each other one way only, like a service's (docs/design.md, "The house"). */
@AnalyzeClasses(packages = "dev.mfa.core", importOptions = ImportOption.DoNotIncludeTests.class)
class PackageCyclesTest {

    @ArchTest
    static final ArchRule NO_PACKAGE_CYCLES =
            slices().matching("dev.mfa.core.(*)..").should().beFreeOfCycles();
}
