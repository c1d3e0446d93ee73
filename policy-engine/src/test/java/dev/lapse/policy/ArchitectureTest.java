package dev.lapse.policy;

import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.junit.AnalyzeClasses;
import com.tngtech.archunit.junit.ArchTest;
import com.tngtech.archunit.lang.ArchRule;
import dev.lapse.schemas.testing.DomainRules;

@AnalyzeClasses(packages = "dev.lapse.policy", importOptions = ImportOption.DoNotIncludeTests.class)
class ArchitectureTest {

    @ArchTest
    static final ArchRule decisionAndRulesArePure =
            DomainRules.frameworkFree("dev.lapse.policy.decision", "dev.lapse.policy.rules");

    @ArchTest
    static final ArchRule approvalIsPure = DomainRules.frameworkFree("dev.lapse.policy.approval");
}
