package dev.lapse.grant;

import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.junit.AnalyzeClasses;
import com.tngtech.archunit.junit.ArchTest;
import com.tngtech.archunit.lang.ArchRule;
import dev.lapse.schemas.testing.DomainRules;

@AnalyzeClasses(packages = "dev.lapse.grant", importOptions = ImportOption.DoNotIncludeTests.class)
class ArchitectureTest {

    @ArchTest
    static final ArchRule issueAndTargetArePure =
            DomainRules.frameworkFree("dev.lapse.grant.issue", "dev.lapse.grant.target");
}
