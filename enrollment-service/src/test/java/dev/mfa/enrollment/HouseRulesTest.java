package dev.mfa.enrollment;

import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.junit.AnalyzeClasses;
import com.tngtech.archunit.junit.ArchTest;
import com.tngtech.archunit.junit.ArchTests;
import dev.mfa.localstack.testing.HouseRules;

/** docs/design.md, "The house". */
@AnalyzeClasses(packages = "dev.mfa.enrollment", importOptions = ImportOption.DoNotIncludeTests.class)
class HouseRulesTest {
    @ArchTest
    static final ArchTests HOUSE = ArchTests.in(HouseRules.class);
}
