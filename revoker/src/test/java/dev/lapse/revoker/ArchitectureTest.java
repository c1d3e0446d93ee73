package dev.lapse.revoker;

import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.junit.AnalyzeClasses;
import com.tngtech.archunit.junit.ArchTest;
import com.tngtech.archunit.lang.ArchRule;
import dev.lapse.schemas.testing.DomainRules;

@AnalyzeClasses(packages = "dev.lapse.revoker", importOptions = ImportOption.DoNotIncludeTests.class)
class ArchitectureTest {

    @ArchTest
    static final ArchRule wheelAndExpiryArePure = DomainRules.frameworkFree("dev.lapse.revoker.wheel", "dev.lapse.revoker.expiry");
}
