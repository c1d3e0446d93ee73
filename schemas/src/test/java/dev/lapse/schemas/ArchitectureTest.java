package dev.lapse.schemas;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;

import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.junit.AnalyzeClasses;
import com.tngtech.archunit.junit.ArchTest;
import com.tngtech.archunit.lang.ArchRule;

/** Only the kafka wiring package of schemas may know Spring: the serde must work in any Kafka client. */
@AnalyzeClasses(packages = "dev.lapse.schemas", importOptions = ImportOption.DoNotIncludeTests.class)
class ArchitectureTest {

    @ArchTest
    static final ArchRule serdeAndRegisterAreSpringFree = noClasses()
            .that().resideOutsideOfPackage("dev.lapse.schemas.kafka..")
            .should().dependOnClassesThat().resideInAPackage("org.springframework..");
}
