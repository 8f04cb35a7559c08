package org.osteonode.deid;

import org.osteonode.research.FolderDeidentification;
import org.osteonode.research.ResearchArchiver;
import org.osteonode.config.DeidOptions;
import com.pixelmed.dicom.Attribute;
import com.pixelmed.dicom.AttributeList;
import com.pixelmed.dicom.AttributeTag;
import com.pixelmed.dicom.SequenceAttribute;
import com.pixelmed.dicom.TagFromName;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.osteonode.ingest.Quarantine;
import org.osteonode.labels.ProxyLabels;
import org.osteonode.observe.Metrics;
import org.osteonode.store.Archive;
import org.osteonode.testing.PhiCorpus;
import org.osteonode.testing.PhiScanner;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDate;
import java.time.format.DateTimeFormatter;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/** The research path over a corpus with PHI planted everywhere leaks hide: nothing planted may survive. */
class DeidentificationCorpusTest {
    private static final byte[] SECRET = "corpus-test-secret-corpus-test-secret".getBytes(StandardCharsets.UTF_8);

    // Per test, not once per class: PIT credits a test only with the code it runs itself.
    @TempDir
    Path temp;
    PhiCorpus corpus;
    Map<Path, ResearchArchiver.Outcome> outcomes = new HashMap<>();

    @BeforeEach
    void deidentifyTheCorpus() throws Exception {
        corpus = PhiCorpus.write(temp.resolve("in"));
        ResearchArchiver archiver = archiver(temp.resolve("out"));
        for (Path file : corpus.files()) {
            outcomes.put(file, archiver.archive(file));
        }
    }

    private ResearchArchiver archiver(Path out) {
        return ResearchArchiver.create(DeidOptions.defaults(), new Pseudonymizer(SECRET),
                new Archive(out, temp.resolve("scratch"), true), "OSTEONODE");
    }

    @Test
    void noPlantedValueSurvivesInAnyOutputByte() throws Exception {
        List<String> planted = new ArrayList<>(corpus.plantedValues());
        planted.addAll(corpus.plantedUids());

        assertThat(PhiScanner.leaks(archived(), planted)).isEmpty();
        assertThat(archived()).hasSize(4);
    }

    @Test
    void burnedInAnnotationAndUltrasoundAreRefusedNotArchived() {
        assertThat(outcomes.get(corpus.burnedInFile())).isInstanceOfSatisfying(ResearchArchiver.Outcome.Refused.class,
                refused -> assertThat(refused.reason()).isEqualTo("burned-in-annotation"));
        assertThat(outcomes.get(corpus.ultrasoundFile())).isInstanceOfSatisfying(ResearchArchiver.Outcome.Refused.class,
                refused -> assertThat(refused.reason()).isEqualTo("burned-in-modality"));
    }

    @Test
    void theSamePatientKeepsOnePseudonymAndOneDateShiftAcrossStudies() throws Exception {
        List<List<Path>> studies = corpus.studiesOfSamePatient();
        Path first = studies.get(0).get(0);
        Path second = studies.get(1).get(0);
        AttributeList firstOut = read(archivedFile(first));
        AttributeList secondOut = read(archivedFile(second));

        assertThat(value(firstOut, TagFromName.PatientID)).isEqualTo(value(secondOut, TagFromName.PatientID))
                .isEqualTo(new Pseudonymizer(SECRET).patient(corpus.issuerOfPatientId(), corpus.patientId()));
        long originalInterval = daysBetween(read(first), read(second));
        assertThat(daysBetween(firstOut, secondOut)).isEqualTo(originalInterval);
        assertThat(value(firstOut, TagFromName.StudyDate)).isNotEqualTo(value(read(first), TagFromName.StudyDate));
    }

    @Test
    void referencesPointAtTheReplacedUidsOfTheObjectsTheyReference() throws Exception {
        AttributeList referencing = read(archivedFile(corpus.referencingFile()));
        AttributeList referenced = read(archivedFile(corpus.referencedFile()));
        String target = value(referenced, TagFromName.SOPInstanceUID);

        assertThat(target).startsWith("2.25.");
        for (AttributeTag sequence : List.of(TagFromName.ReferencedImageSequence, TagFromName.SourceImageSequence)) {
            AttributeList item = ((SequenceAttribute) referencing.get(sequence)).getItem(0).getAttributeList();
            assertThat(value(item, TagFromName.ReferencedSOPInstanceUID)).as(sequence.toString()).isEqualTo(target);
        }
        assertThat(value(referenced, TagFromName.MediaStorageSOPInstanceUID)).isEqualTo(target);
    }

    @Test
    void ageAndSexAreRetainedAndAgesOver89Become090Y() throws Exception {
        AttributeList over89 = read(archivedFile(corpus.referencedFile()));
        ProxyLabels labels = ((ResearchArchiver.Outcome.Archived) outcomes.get(corpus.referencedFile())).labels();

        assertThat(value(over89, TagFromName.PatientAge)).isEqualTo("090Y");
        assertThat(value(over89, TagFromName.PatientSex)).isNotEmpty();
        assertThat(labels.ageYears()).isEqualTo(90);
        assertThat(labels.ageBand()).isEqualTo("90+");
        assertThat(labels.sex()).isEqualTo(value(over89, TagFromName.PatientSex));
    }

    @Test
    void twoRunsGiveByteIdenticalOutput() throws Exception {
        ResearchArchiver again = archiver(temp.resolve("out-again"));
        for (Path file : corpus.files()) {
            ResearchArchiver.Outcome outcome = again.archive(file);
            if (outcome instanceof ResearchArchiver.Outcome.Archived archived) {
                Path first = archivedFile(file);
                assertThat(temp.resolve("out").relativize(first))
                        .isEqualTo(temp.resolve("out-again").relativize(archived.file()));
                assertThat(Files.readAllBytes(archived.file())).isEqualTo(Files.readAllBytes(first));
            }
        }
    }

    @Test
    void theArchiveHoldsOnlyDicomFilesUnderPseudonymousFoldersBesideItsClaims() throws Exception {
        try (var files = Files.walk(temp.resolve("out"))) {
            List<Path> regular = files.filter(Files::isRegularFile)
                    .filter(p -> !temp.resolve("out").relativize(p).startsWith(Archive.CLAIMS)).toList();
            assertThat(regular).allMatch(p -> p.getFileName().toString().matches("2\\.25\\.\\d+\\.dcm"));
            assertThat(regular).allMatch(p -> temp.resolve("out").relativize(p).getNameCount() == 4);
        }
    }

    @Test
    void markersSayWhatWasDone() throws Exception {
        AttributeList out = read(archivedFile(corpus.referencedFile()));

        assertThat(value(out, TagFromName.PatientIdentityRemoved)).isEqualTo("YES");
        assertThat(value(out, TagFromName.LongitudinalTemporalInformationModified)).isEqualTo("MODIFIED");
        assertThat(value(out, TagFromName.DeidentificationMethod)).isNotEmpty();
        assertThat(out.get(TagFromName.DeidentificationMethodCodeSequence)).isNotNull();
    }

    @Test
    void folderRunCopiesRefusedFilesToTheQuarantineWithReasonsAndLeavesOriginalsAlone() throws Exception {
        Path out = temp.resolve("folder-out");
        Quarantine quarantine = new Quarantine(temp.resolve("folder-quarantine"), new Metrics());
        byte[] before = Files.readAllBytes(corpus.burnedInFile());

        FolderDeidentification.Summary summary = new FolderDeidentification(archiver(out), quarantine, 2)
                .run(temp.resolve("in"), FolderDeidentification.filesUnder(temp.resolve("in")), done -> { });

        assertThat(summary.archived()).isEqualTo(4);
        assertThat(summary.quarantinedByReason()).containsEntry("burned-in-annotation", 1)
                .containsEntry("burned-in-modality", 1);
        assertThat(summary.failures()).isEmpty();
        assertThat(Files.readAllBytes(corpus.burnedInFile())).isEqualTo(before);
        try (var reasons = Files.list(temp.resolve("folder-quarantine"))) {
            assertThat(reasons.filter(p -> p.toString().endsWith(".reason"))).hasSize(2);
        }
    }

    private List<Path> archived() {
        return outcomes.values().stream()
                .filter(ResearchArchiver.Outcome.Archived.class::isInstance)
                .map(o -> ((ResearchArchiver.Outcome.Archived) o).file())
                .toList();
    }

    private Path archivedFile(Path original) {
        return ((ResearchArchiver.Outcome.Archived) outcomes.get(original)).file();
    }

    private static long daysBetween(AttributeList a, AttributeList b) {
        return ChronoUnit.DAYS.between(date(a), date(b));
    }

    private static LocalDate date(AttributeList list) {
        return LocalDate.parse(value(list, TagFromName.StudyDate), DateTimeFormatter.BASIC_ISO_DATE);
    }

    private static AttributeList read(Path file) throws Exception {
        AttributeList list = new AttributeList();
        list.read(file.toFile());
        return list;
    }

    private static String value(AttributeList list, AttributeTag tag) {
        return Attribute.getSingleStringValueOrEmptyString(list, tag).trim();
    }
}
