package dev.lapse.policy;

import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.junit.AnalyzeClasses;
import com.tngtech.archunit.junit.ArchTest;
import com.tngtech.archunit.lang.ArchRule;
import dev.lapse.schemas.testing.DomainRules;

@AnalyzeClasses(packages = "dev.lapse.policy", importOptions = ImportOption.DoNotIncludeTests.class)
class ArchitectureTest {

    @ArchTest
    static final ArchRule rulesArePure = DomainRules.frameworkFree("dev.lapse.policy.rules");

    @ArchTest
    static final ArchRule approvalIsPure = DomainRules.frameworkFree("dev.lapse.policy.approval");

    @ArchTest
    static final ArchRule pendingIsPure = DomainRules.frameworkFree("dev.lapse.policy.pending");
}
