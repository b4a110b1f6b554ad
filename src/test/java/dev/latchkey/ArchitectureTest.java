package dev.latchkey;

import com.tngtech.archunit.core.domain.JavaClass;
import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.domain.JavaPackage;
import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.junit.AnalyzeClasses;
import com.tngtech.archunit.junit.ArchTest;
import com.tngtech.archunit.library.Architectures;
import jakarta.json.Json;
import jakarta.json.spi.JsonProvider;
import org.eclipse.microprofile.config.Config;
import org.eclipse.microprofile.config.inject.ConfigProperty;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.OffsetDateTime;
import java.time.ZonedDateTime;
import java.util.Arrays;
import java.util.Date;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

import static com.tngtech.archunit.base.DescribedPredicate.not;
import static com.tngtech.archunit.core.domain.JavaClass.Predicates.resideInAPackage;
import static com.tngtech.archunit.core.domain.JavaClass.Predicates.simpleNameEndingWith;
import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;
import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * The package rules of docs/architecture.md, enforced on the compiled production classes. The
 * allowed dependencies are read from the table in that document, so the document and the rule
 * can never disagree: a new dependency means changing the table, in review, first.
 */
@AnalyzeClasses(packages = ArchitectureTest.ROOT, importOptions = ImportOption.DoNotIncludeTests.class)
class ArchitectureTest {

    static final String ROOT = "dev.latchkey";
    private static final Path ARCHITECTURE = Path.of("docs/architecture.md");
    private static final Pattern ROW = Pattern.compile("^\\| `([a-z]+)` \\|([^|]*)\\|");
    private static final Pattern PACKAGE = Pattern.compile("`([a-z]+)`");

    /** Package name (without {@value #ROOT}) to the packages it may use, as the document's table says. */
    static Map<String, Set<String>> allowedDependencies() {
        Map<String, Set<String>> allowed = new LinkedHashMap<>();
        try {
            for (String line : Files.readAllLines(ARCHITECTURE)) {
                Matcher row = ROW.matcher(line);
                if (row.find()) {
                    Set<String> uses = new TreeSet<>();
                    Matcher used = PACKAGE.matcher(row.group(2));
                    while (used.find()) {
                        uses.add(used.group(1));
                    }
                    allowed.put(row.group(1), uses);
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return allowed;
    }

    @ArchTest
    static void everyPackageIsInTheTable(JavaClasses classes) {
        Set<String> packages = classes.stream()
                .map(JavaClass::getPackageName)
                .filter(name -> name.startsWith(ROOT + "."))
                .map(name -> name.substring(ROOT.length() + 1).split("\\.")[0])
                .collect(Collectors.toCollection(TreeSet::new));
        assertEquals(packages, new TreeSet<>(allowedDependencies().keySet()),
                "docs/architecture.md must list exactly the packages under " + ROOT);
    }

    @ArchTest
    static void dependenciesRunOnlyTheWayTheTableAllows(JavaClasses classes) {
        Architectures.LayeredArchitecture layers = Architectures.layeredArchitecture()
                .consideringOnlyDependenciesInLayers()
                .layer("application").definedBy(ROOT);
        Map<String, Set<String>> allowed = allowedDependencies();
        for (String name : allowed.keySet()) {
            layers = layers.layer(name).definedBy(ROOT + "." + name + "..");
        }
        for (Map.Entry<String, Set<String>> entry : allowed.entrySet()) {
            String[] uses = entry.getValue().toArray(String[]::new);
            layers = uses.length == 0
                    ? layers.whereLayer(entry.getKey()).mayNotAccessAnyLayer()
                    : layers.whereLayer(entry.getKey()).mayOnlyAccessLayers(uses);
        }
        layers.whereLayer("application").mayNotAccessAnyLayer().check(classes);
    }

    @ArchTest
    static void noPackageCycles(JavaClasses classes) {
        slices().matching(ROOT + ".(*)..").should().beFreeOfCycles().check(classes);
    }

    @ArchTest
    static void timeComesFromTheInjectedClock(JavaClasses classes) {
        noClasses()
                .that().resideOutsideOfPackage(ROOT + ".time..")
                .should().callMethod(Instant.class, "now")
                .orShould().callMethod(LocalDate.class, "now")
                .orShould().callMethod(LocalDateTime.class, "now")
                .orShould().callMethod(OffsetDateTime.class, "now")
                .orShould().callMethod(ZonedDateTime.class, "now")
                .orShould().callMethod(System.class, "currentTimeMillis")
                .orShould().callConstructor(Date.class)
                .orShould().callMethod(Clock.class, "systemUTC")
                .orShould().callMethod(Clock.class, "systemDefaultZone")
                .because("every expiry decision reads the one injectable clock (docs/architecture.md)").check(classes);
    }

    @ArchTest
    static void jsonComesFromTheOneProvider(JavaClasses classes) {
        noClasses()
                .that().resideOutsideOfPackage(ROOT + ".json..")
                .should().dependOnClassesThat().belongToAnyOf(Json.class)
                .orShould().callMethod(JsonProvider.class, "provider")
                .because("each Json.create* call looks the provider up again, a class-path scan (docs/architecture.md)").check(classes);
    }

    @ArchTest
    static void configurationIsReadBySettingsClassesOnly(JavaClasses classes) {
        noClasses()
                .that(not(simpleNameEndingWith("Settings")).and(not(resideInAPackage(ROOT + ".config.."))))
                .should().dependOnClassesThat().belongToAnyOf(ConfigProperty.class, Config.class)
                .because("one *Settings class per feature reads and validates its keys (docs/architecture.md)").check(classes);
    }

    @ArchTest
    static void noConfigPropertyInjectionAtAll(JavaClasses classes) {
        noClasses()
                .should().dependOnClassesThat().belongToAnyOf(ConfigProperty.class)
                .because("settings read through SettingsSource, which validates every value at boot").check(classes);
    }

    @ArchTest
    static void cryptographyLivesInCrypto(JavaClasses classes) {
        noClasses()
                .that().resideOutsideOfPackage(ROOT + ".crypto..")
                .should().dependOnClassesThat().resideInAPackage("javax.crypto..")
                .orShould().dependOnClassesThat().belongToAnyOf(SecureRandom.class, MessageDigest.class)
                .because("one crypto helper per primitive (docs/architecture.md)").check(classes);
    }

    /** Guards the guard: the table parses into something, so an edited format cannot switch the rule off. */
    @ArchTest
    static void theTableIsRead(JavaClasses classes) {
        Map<String, Set<String>> allowed = allowedDependencies();
        assertEquals(true, allowed.size() > 20 && allowed.get("session").containsAll(Set.of("account", "security")),
                "docs/architecture.md's table did not parse: " + allowed);
        assertEquals(Set.of(), allowed.values().stream().flatMap(Set::stream)
                .filter(used -> !allowed.containsKey(used)).collect(Collectors.toSet()),
                "the table names packages that do not exist");
        assertEquals(true, Arrays.stream(classes.getPackage(ROOT).getSubpackages().toArray(JavaPackage[]::new)).count() > 20);
    }
}
