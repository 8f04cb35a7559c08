package org.osteonode;

import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.junit.AnalyzeClasses;
import com.tngtech.archunit.junit.ArchTest;
import com.tngtech.archunit.lang.ArchRule;

import static com.tngtech.archunit.core.domain.JavaClass.Predicates.resideInAPackage;
import static com.tngtech.archunit.core.domain.JavaClass.Predicates.resideOutsideOfPackage;
import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.classes;
import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;

/** The layering of docs/architecture.md and STYLE.md, checked on the compiled classes. */
@AnalyzeClasses(packages = "org.osteonode", importOptions = ImportOption.DoNotIncludeTests.class)
class ArchitectureTest {
    @ArchTest
    static final ArchRule packagesDoNotDependOnEachOtherInACycle =
            slices().matching("org.osteonode.(*)..").should().beFreeOfCycles();

    @ArchTest
    static final ArchRule configImportsNothingOfTheProject = classes().that().resideInAPackage("org.osteonode.config..")
            .should().onlyDependOnClassesThat(resideInAPackage("org.osteonode.config..")
                    .or(resideOutsideOfPackage("org.osteonode..")));

    /** Object storage is the bottom layer: the spool, the archive and the pipeline build on it, never the reverse. */
    @ArchTest
    static final ArchRule objectStorageImportsNothingOfTheProject = classes()
            .that().resideInAPackage("org.osteonode.objects..")
            .should().onlyDependOnClassesThat(resideInAPackage("org.osteonode.objects..")
                    .or(resideOutsideOfPackage("org.osteonode..")));

    /** Only the object store knows which S3 client it uses: the rest of the node sees {@code ObjectStore}. */
    @ArchTest
    static final ArchRule onlyTheObjectStoreKnowsTheAwsSdk = noClasses()
            .that().resideOutsideOfPackage("org.osteonode.objects..")
            .should().dependOnClassesThat().resideInAPackage("software.amazon.awssdk..");

    @ArchTest
    static final ArchRule onlyTheRoutesAndTheCompositionRootKnowCamel = noClasses()
            .that().resideOutsideOfPackage("org.osteonode.route..")
            .and().doNotHaveFullyQualifiedName(Node.class.getName())
            .should().dependOnClassesThat().resideInAPackage("org.apache.camel..");

    @ArchTest
    static final ArchRule deidentificationLabelsAndPixelsArePure = noClasses()
            .that().resideInAnyPackage("org.osteonode.deid..", "org.osteonode.labels..", "org.osteonode.pixels..")
            .should().dependOnClassesThat().resideInAnyPackage("org.osteonode.store..", "org.osteonode.ingest..",
                    "org.osteonode.route..", "org.osteonode.research..", "org.osteonode.clinical..",
                    "org.osteonode.delivery..", "org.osteonode.cli..");

    /** The Kafka references know the body part vocabulary and nothing else of the project: the wiring is Node's. */
    @ArchTest
    static final ArchRule theClusterReferencesKnowNoStoragePipelineOrPath = noClasses()
            .that().resideInAPackage("org.osteonode.cluster..")
            .should().dependOnClassesThat().resideInAnyPackage("org.osteonode.store..", "org.osteonode.ingest..",
                    "org.osteonode.route..", "org.osteonode.research..", "org.osteonode.clinical..",
                    "org.osteonode.delivery..", "org.osteonode.cli..");
}
