package dev.lapse.audit;

import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.junit.AnalyzeClasses;
import com.tngtech.archunit.junit.ArchTest;
import com.tngtech.archunit.lang.ArchRule;
import dev.lapse.schemas.testing.DomainRules;

@AnalyzeClasses(packages = "dev.lapse.audit", importOptions = ImportOption.DoNotIncludeTests.class)
class ArchitectureTest {

    @ArchTest
    static final ArchRule chainAndLogArePure = DomainRules.frameworkFree("dev.lapse.audit.chain", "dev.lapse.audit.log");
}
