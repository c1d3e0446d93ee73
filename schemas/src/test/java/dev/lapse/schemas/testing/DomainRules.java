package dev.lapse.schemas.testing;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;

import com.tngtech.archunit.lang.ArchRule;

/** The architecture rule every module keeps: domain packages know no Spring, Kafka or Avro type. */
public final class DomainRules {

    private DomainRules() {
    }

    /** Fails when a class in one of the given packages (and their sub-packages) uses a framework type. */
    public static ArchRule frameworkFree(String... domainPackages) {
        String[] patterns = java.util.Arrays.stream(domainPackages).map(p -> p + "..").toArray(String[]::new);
        return noClasses().that().resideInAnyPackage(patterns)
                .should().dependOnClassesThat().resideInAnyPackage(
                        "org.springframework..", "org.apache.kafka..", "org.apache.avro..", "dev.lapse.event..",
                        "jakarta..", "com.fasterxml..", "tools.jackson..")
                .because("the domain is plain Java: listener -> domain -> publisher keeps frameworks at the edge");
    }
}
