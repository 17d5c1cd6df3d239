package io.shardwise.producer.architecture;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.classes;
import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static org.assertj.core.api.Assertions.assertThat;

import com.tngtech.archunit.core.domain.JavaAccess;
import com.tngtech.archunit.core.domain.JavaClass;
import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.domain.JavaFieldAccess;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.lang.ArchCondition;
import com.tngtech.archunit.lang.ConditionEvents;
import com.tngtech.archunit.lang.SimpleConditionEvent;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The architecture rules that matter, checked on the compiled classes (ArchUnit) and the sources:
 * the public API reaches the engine through one factory, the engine knows nothing of Spring or
 * Micrometer, the test kit nothing of the producer, no engine class writes another's fields, and
 * no main class grows past ~300 lines without saying why.
 */
class ArchitectureTest {
    private static final String API = "io.shardwise.producer";
    private static final String ENGINE = "io.shardwise.producer.internal..";
    private static JavaClasses classes;

    @BeforeAll
    static void importClasses() {
        classes = new ClassFileImporter()
                .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
                .importPackages("io.shardwise.producer");
    }

    @Test
    void theApiReachesTheEngineOnlyThroughItsFactory() {
        noClasses().that().resideInAnyPackage(API, API + ".firehose", API + ".config")
                .should().dependOnClassesThat(resideInEngineExceptTheFactory())
                .because("the API depends on the engine through Engines (and its nested interfaces) only")
                .check(classes);
    }

    private static com.tngtech.archunit.base.DescribedPredicate<JavaClass> resideInEngineExceptTheFactory() {
        return com.tngtech.archunit.base.DescribedPredicate.describe("engine classes other than Engines",
                c -> c.getPackageName().startsWith("io.shardwise.producer.internal")
                        && !c.getName().startsWith("io.shardwise.producer.internal.Engines"));
    }

    @Test
    void theEngineKnowsNothingOfSpringOrMicrometer() {
        noClasses().that().resideInAnyPackage(ENGINE, API, API + ".firehose", API + ".config")
                .should().dependOnClassesThat().resideInAnyPackage("org.springframework..", "io.micrometer..")
                .check(classes);
    }

    @Test
    void theTestKitKnowsNothingOfTheProducer() {
        noClasses().that().resideInAPackage("io.shardwise.producer.testkit..")
                .should().dependOnClassesThat().resideInAnyPackage(API, API + ".firehose", API + ".config", ENGINE, "io.shardwise.producer.metrics..",
                        "io.shardwise.producer.spring..")
                .check(classes);
    }

    @Test
    void onlyTheFactoryIsPublicInTheEngine() {
        classes().that().resideInAPackage(ENGINE).and(reachableFromOtherPackages())
                .should().haveNameMatching("io\\.shardwise\\.producer\\.internal\\.Engines(\\$.*)?")
                .check(classes);
    }

    /** Public, and so are all the classes it is nested in. */
    private static com.tngtech.archunit.base.DescribedPredicate<JavaClass> reachableFromOtherPackages() {
        return com.tngtech.archunit.base.DescribedPredicate.describe("are reachable from other packages", c -> {
            for (JavaClass k = c; k != null; k = k.getEnclosingClass().orElse(null)) {
                if (!k.getModifiers().contains(com.tngtech.archunit.core.domain.JavaModifier.PUBLIC)) {
                    return false;
                }
            }
            return true;
        });
    }

    @Test
    void noEngineClassWritesAnotherClassesFields() {
        classes().that().resideInAPackage(ENGINE).should(writeOnlyTheirOwnFields()).check(classes);
    }

    /** A class (with its nested classes and lambdas) writes only fields declared by itself or its nested classes. */
    private static ArchCondition<JavaClass> writeOnlyTheirOwnFields() {
        return new ArchCondition<>("write only their own fields") {
            @Override
            public void check(JavaClass origin, ConditionEvents events) {
                for (JavaFieldAccess access : origin.getFieldAccessesFromSelf()) {
                    if (access.getAccessType() != JavaFieldAccess.AccessType.SET) {
                        continue;
                    }
                    JavaClass owner = access.getTargetOwner();
                    if (!topLevel(owner).equals(topLevel(origin))) {
                        events.add(SimpleConditionEvent.violated(access, describe(access)));
                    }
                }
            }
        };
    }

    private static String describe(JavaAccess<?> access) {
        return access.getDescription();
    }

    private static String topLevel(JavaClass c) {
        String name = c.getName();
        int nested = name.indexOf('$');
        return nested < 0 ? name : name.substring(0, nested);
    }

    /**
     * Main classes of every module: over ~300 lines only with a reason in the class's javadoc,
     * written as a sentence starting "Long because".
     */
    @Test
    void noMainClassIsLongWithoutSayingWhy() throws IOException {
        Path root = Path.of("..").toAbsolutePath().normalize();
        List<String> unexplained = new ArrayList<>();
        try (Stream<Path> files = Files.walk(root)) {
            for (Path f : (Iterable<Path>) files.filter(p -> p.toString().endsWith(".java"))
                    .filter(p -> p.toString().contains("/src/main/java/"))::iterator) {
                List<String> lines = Files.readAllLines(f);
                if (lines.size() > 330 && !String.join("\n", lines).contains("Long because")) {
                    unexplained.add(root.relativize(f) + " (" + lines.size() + " lines)");
                }
            }
        }
        assertThat(unexplained).as("main classes over ~300 lines whose javadoc does not say why (\"Long because ...\")").isEmpty();
    }
}
