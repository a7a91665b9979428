package dev.mfa.localstack.testing;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.classes;
import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;

import com.tngtech.archunit.core.domain.Dependency;
import com.tngtech.archunit.core.domain.JavaClass;
import com.tngtech.archunit.core.domain.JavaMethodCall;
import com.tngtech.archunit.junit.ArchTest;
import com.tngtech.archunit.lang.ArchCondition;
import com.tngtech.archunit.lang.ArchRule;
import com.tngtech.archunit.lang.ConditionEvents;
import com.tngtech.archunit.lang.SimpleConditionEvent;
import java.util.List;
import java.util.Set;

/**
 * The house every service is built as (docs/design.md, "The house"), checked on its compiled classes. A service's
 * tests run them with {@code @AnalyzeClasses(packages = "dev.mfa.<service>") class HouseRulesTest} holding
 * {@code @ArchTest static final ArchTests HOUSE = ArchTests.in(HouseRules.class)}.
 */
public final class HouseRules {

    /** The reactive SQL client, Hibernate Reactive and Panache: what reaches the database. */
    private static final List<String> DATABASE_PACKAGES = List.of(
            "io.vertx.sqlclient",
            "io.vertx.mutiny.sqlclient",
            "io.vertx.pgclient",
            "io.vertx.mutiny.pgclient",
            "org.hibernate",
            "io.quarkus.hibernate.reactive.panache");

    /** Demarcating a transaction is a service's decision; what runs inside it is the repositories'. */
    private static final Set<String> TRANSACTION_DEMARCATION = Set.of(
            "io.quarkus.hibernate.reactive.panache.common.WithTransaction",
            "io.quarkus.hibernate.reactive.panache.common.WithSession",
            "io.quarkus.hibernate.reactive.panache.common.WithSessionOnDemand");

    private static final String PANACHE = "io.quarkus.hibernate.reactive.panache.Panache";
    private static final Set<String> PANACHE_DEMARCATION = Set.of("withTransaction", "withSession");

    @ArchTest
    public static final ArchRule ONLY_REPOSITORIES_TOUCH_THE_DATABASE = classes()
            .that()
            .resideOutsideOfPackage("..repository..")
            .should(stayAwayFromTheDatabase())
            .because("repositories are the only code that touches a database (services demarcate transactions)");

    @ArchTest
    public static final ArchRule ONLY_REPOSITORIES_AND_ENTITIES_USE_JPA = noClasses()
            .that()
            .resideOutsideOfPackages("..repository..", "..domain..")
            .should()
            .dependOnClassesThat()
            .resideInAPackage("jakarta.persistence..")
            .because("queries, locks and mappings belong to repositories and entities");

    @ArchTest
    public static final ArchRule NO_PACKAGE_CYCLES = slices().matching("dev.mfa.(*).(*)..")
            .should()
            .beFreeOfCycles()
            .because("rest -> service -> repository -> domain; a type a repository returns lives beside it");

    private HouseRules() {}

    private static ArchCondition<JavaClass> stayAwayFromTheDatabase() {
        return new ArchCondition<>("not use the database client, Hibernate or Panache (but to demarcate)") {
            @Override
            public void check(JavaClass item, ConditionEvents events) {
                for (Dependency d : item.getDirectDependenciesFromSelf()) {
                    JavaClass target = d.getTargetClass().getBaseComponentType();
                    if (isDatabaseApi(target.getName())
                            && !TRANSACTION_DEMARCATION.contains(target.getName())
                            && !target.getName().equals(PANACHE)) {
                        events.add(SimpleConditionEvent.violated(item, d.getDescription()));
                    }
                }
                for (JavaMethodCall call : item.getMethodCallsFromSelf()) {
                    if (call.getTargetOwner().getName().equals(PANACHE)
                            && !PANACHE_DEMARCATION.contains(call.getName())) {
                        events.add(SimpleConditionEvent.violated(item, call.getDescription()));
                    }
                }
            }
        };
    }

    private static boolean isDatabaseApi(String className) {
        return DATABASE_PACKAGES.stream().anyMatch(p -> className.startsWith(p + "."));
    }
}
