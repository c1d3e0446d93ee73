package dev.lapse.request;

import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.junit.AnalyzeClasses;
import com.tngtech.archunit.junit.ArchTest;
import com.tngtech.archunit.lang.ArchRule;
import dev.lapse.schemas.testing.DomainRules;

@AnalyzeClasses(packages = "dev.lapse.request", importOptions = ImportOption.DoNotIncludeTests.class)
class ArchitectureTest {

    @ArchTest
    static final ArchRule domainIsPure = DomainRules.frameworkFree("dev.lapse.request.submission",
            "dev.lapse.request.timeline", "dev.lapse.request.identity", "dev.lapse.request.approval",
            "dev.lapse.request.notify");
}
