package org.osteonode.testing;

import com.pixelmed.dicom.Attribute;
import com.pixelmed.dicom.AttributeList;
import com.pixelmed.dicom.AttributeTag;
import com.pixelmed.dicom.SOPClass;
import com.pixelmed.dicom.SequenceAttribute;
import com.pixelmed.dicom.TagFromName;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.File;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDate;
import java.time.format.DateTimeFormatter;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

class PhiCorpusTest {
    @TempDir
    Path temp;

    private PhiCorpus corpus;

    @BeforeEach
    void writeCorpus() throws Exception {
        corpus = PhiCorpus.write(temp.resolve("corpus"));
    }

    @Test
    void everyPlantedValueAndUidIsInTheBytesOfTheCorpusExactly() throws Exception {
        List<String> contents = new ArrayList<>();
        for (Path file : corpus.files()) {
            contents.add(new String(Files.readAllBytes(file), StandardCharsets.ISO_8859_1));
        }
        List<String> planted = Stream.concat(corpus.plantedValues().stream(), corpus.plantedUids().stream()).toList();

        List<String> missing = planted.stream().filter(v -> contents.stream().noneMatch(c -> c.contains(v))).toList();

        assertThat(planted).hasSizeGreaterThan(80);
        assertThat(missing).isEmpty();
        assertThat(PhiScanner.leaks(corpus.files(), planted).stream().map(l -> l.substring(l.indexOf(": ") + 2)))
                .containsAll(planted);
    }

    @Test
    void plantedValuesAreDistinctive() throws Exception {
        Path ordinary = SyntheticDicom.radiograph().size(64, 64).write(temp.resolve("ordinary.dcm"));
        List<String> planted = Stream.concat(corpus.plantedValues().stream(), corpus.plantedUids().stream()).toList();

        assertThat(PhiScanner.leaks(List.of(ordinary), planted)).isEmpty();
        String kept = String.join("|", PhiCorpus.MANUFACTURER, PhiCorpus.MANUFACTURER_MODEL_NAME,
                PhiCorpus.AGE_OVER_89, PhiCorpus.AGE_67, PhiCorpus.ACME_CREATOR, "LSPINE", "HIP", "CHEST", "ABDOMEN");
        assertThat(planted).noneMatch(kept::contains);
    }

    @Test
    void plantedDatesAreMoreThan800DaysApart() {
        List<LocalDate> dates = corpus.plantedDates().stream()
                .map(d -> LocalDate.parse(d, DateTimeFormatter.BASIC_ISO_DATE)).toList();

        for (LocalDate one : dates) {
            for (LocalDate other : dates) {
                if (one != other) {
                    assertThat(Math.abs(ChronoUnit.DAYS.between(one, other))).as(one + " and " + other)
                            .isGreaterThan(800);
                }
            }
        }
    }

    @Test
    void pixelMedReadsEveryFile() throws Exception {
        assertThat(corpus.files()).hasSize(6);
        for (Path file : corpus.files()) {
            AttributeList list = read(file);

            assertThat(string(list, TagFromName.SOPInstanceUID)).isEqualTo(corpus.sopInstanceUid(file));
            assertThat(string(list, TagFromName.MediaStorageSOPInstanceUID)).isEqualTo(corpus.sopInstanceUid(file));
            assertThat(string(list, TagFromName.StudyInstanceUID)).isEqualTo(corpus.studyInstanceUid(file));
            assertThat(string(list, TagFromName.SourceApplicationEntityTitle)).isEqualTo(PhiCorpus.SOURCE_AE_TITLE);
            assertThat(string(list, TagFromName.ImplementationVersionName))
                    .isEqualTo(PhiCorpus.IMPLEMENTATION_VERSION_NAME);
            assertThat(string(list, TagFromName.TransferSyntaxUID)).isEqualTo("1.2.840.10008.1.2.1");
            assertThat(list.get(TagFromName.PixelData)).isNotNull();
        }
    }

    @Test
    void dcmdumpReadsEveryFileWithoutErrorOrWarning() throws Exception {
        assumeTrue(onPath("dcmdump"), "dcmtk's dcmdump is not installed");
        for (Path file : corpus.files()) {
            Dcmtk.Result dump = Dcmtk.run(List.of("dcmdump", file.toString()));

            assertThat(dump.exitCode()).as(dump.output()).isZero();
            assertThat(dump.output().lines()).as(file.toString())
                    .noneMatch(l -> l.startsWith("E:") || l.startsWith("W:"));
        }
    }

    @Test
    void theAnnotatedCopyReferencesTheOriginalBySopInstanceUid() throws Exception {
        AttributeList referencing = read(corpus.referencingFile());
        String referenced = corpus.sopInstanceUid(corpus.referencedFile());

        for (AttributeTag sequence : List.of(TagFromName.SourceImageSequence, TagFromName.ReferencedImageSequence)) {
            Attribute uid = SequenceAttribute.getNamedAttributeFromWithinSequenceWithSingleItem(referencing, sequence,
                    TagFromName.ReferencedSOPInstanceUID);
            assertThat(uid.getSingleStringValueOrNull()).isEqualTo(referenced);
        }
        assertThat(corpus.plantedUids()).contains(referenced);
    }

    @Test
    void oneIssuerAndPatientIdHasTwoStudiesOnDifferentDates() throws Exception {
        List<List<Path>> studies = corpus.studiesOfSamePatient();
        assertThat(studies).hasSize(2);
        List<String> studyDates = new ArrayList<>();
        List<String> studyUids = new ArrayList<>();
        for (List<Path> study : studies) {
            for (Path file : study) {
                AttributeList list = read(file);
                assertThat(string(list, TagFromName.PatientID)).isEqualTo(corpus.patientId());
                assertThat(string(list, TagFromName.IssuerOfPatientID)).isEqualTo(corpus.issuerOfPatientId());
                assertThat(string(list, TagFromName.StudyInstanceUID)).isEqualTo(corpus.studyInstanceUid(study.get(0)));
            }
            AttributeList first = read(study.get(0));
            studyDates.add(string(first, TagFromName.StudyDate));
            studyUids.add(string(first, TagFromName.StudyInstanceUID));
        }
        assertThat(studyDates).doesNotHaveDuplicates();
        assertThat(studyUids).doesNotHaveDuplicates();
        assertThat(studies.get(0)).contains(corpus.referencedFile(), corpus.referencingFile());
    }

    @Test
    void burnedInAnnotationIsNoYesOrAbsent() throws Exception {
        assertThat(string(read(corpus.referencedFile()), TagFromName.BurnedInAnnotation)).isEqualTo("NO");
        assertThat(string(read(corpus.burnedInFile()), TagFromName.BurnedInAnnotation)).isEqualTo("YES");
        assertThat(read(corpus.files().get(2)).get(TagFromName.BurnedInAnnotation)).isNull();
        assertThat(corpus.files().stream().filter(f -> !f.equals(corpus.burnedInFile())))
                .allSatisfy(f -> assertThat(string(read(f), TagFromName.BurnedInAnnotation)).isNotEqualTo("YES"));
    }

    @Test
    void theUltrasoundIsAn8BitMonochromeUsImage() throws Exception {
        AttributeList us = read(corpus.ultrasoundFile());

        assertThat(string(us, TagFromName.SOPClassUID)).isEqualTo(SOPClass.UltrasoundImageStorage);
        assertThat(string(us, TagFromName.Modality)).isEqualTo("US");
        assertThat(string(us, TagFromName.PhotometricInterpretation)).isEqualTo("MONOCHROME2");
        assertThat(string(us, TagFromName.BitsAllocated)).isEqualTo("8");
    }

    @Test
    void radiographsAreDxForPresentationOrCr() throws Exception {
        for (Path file : corpus.files().subList(0, 5)) {
            AttributeList list = read(file);
            assertThat(string(list, TagFromName.SOPClassUID)).isIn(SOPClass.DigitalXRayImageStorageForPresentation,
                    SOPClass.ComputedRadiographyImageStorage);
            assertThat(string(list, TagFromName.BitsAllocated)).isEqualTo("16");
            assertThat(string(list, TagFromName.Rows)).isEqualTo("64");
            assertThat(string(list, TagFromName.BodyPartExamined)).isIn("LSPINE", "HIP", "CHEST");
        }
        assertThat(string(read(corpus.referencedFile()), TagFromName.PatientAge)).isEqualTo(PhiCorpus.AGE_OVER_89);
    }

    @Test
    void aDateTimeAndADateAreThreeSequencesDeep() throws Exception {
        AttributeList request = item(read(corpus.referencedFile()), TagFromName.RequestAttributesSequence);
        AttributeList protocol = item(request, new AttributeTag(0x0040, 0x0008));
        AttributeList context = item(protocol, new AttributeTag(0x0040, 0x0440));

        assertThat(string(context, TagFromName.DateTime)).isEqualTo(PhiCorpus.NESTED_DATE_TIME);
        assertThat(string(context, TagFromName.Date)).isEqualTo(PhiCorpus.NESTED_DATE);
        assertThat(string(context, TagFromName.Time)).isNotEmpty();
    }

    @Test
    void privateElementsComeWithAndWithoutCreatorAndAsASequenceOfPublicAttributes() throws Exception {
        AttributeList first = read(corpus.referencedFile());
        assertThat(string(first, new AttributeTag(0x0019, 0x0010))).isEqualTo(PhiCorpus.ACME_CREATOR);
        assertThat(string(first, new AttributeTag(0x0019, 0x1001))).contains(PhiCorpus.PATIENT_A_ID);
        assertThat(first.get(new AttributeTag(0x0021, 0x0010))).isNull();
        assertThat(first.get(new AttributeTag(0x0021, 0x1005))).isNotNull();

        AttributeList prior = item(read(corpus.files().get(3)), new AttributeTag(0x0029, 0x1010));
        assertThat(string(prior, TagFromName.PatientName)).isEqualTo(PhiCorpus.PATIENT_B_NAME);
        assertThat(string(prior, TagFromName.PatientID)).isEqualTo(PhiCorpus.PATIENT_B_ID);
    }

    @Test
    void theOverlayDataSpellsTheMarker() throws Exception {
        AttributeList annotated = read(corpus.referencingFile());

        short[] words = annotated.get(TagFromName.OverlayData).getShortValues();

        byte[] bytes = new byte[words.length * 2];
        for (int i = 0; i < words.length; i++) {
            bytes[2 * i] = (byte) words[i];
            bytes[2 * i + 1] = (byte) (words[i] >> 8);
        }
        assertThat(bytes).hasSize(64 * 64 / 8);
        assertThat(new String(bytes, StandardCharsets.ISO_8859_1)).startsWith(PhiCorpus.OVERLAY_MARKER);
        assertThat(string(annotated, TagFromName.OverlayBitsAllocated)).isEqualTo("1");
    }

    private static AttributeList read(Path file) {
        AttributeList list = new AttributeList();
        try {
            list.read(file.toFile());
        } catch (Exception e) {
            throw new AssertionError("PixelMed cannot read " + file, e);
        }
        return list;
    }

    private static AttributeList item(AttributeList list, AttributeTag sequence) {
        SequenceAttribute attribute = (SequenceAttribute) list.get(sequence);
        assertThat(attribute).as(sequence.toString()).isNotNull();
        return attribute.getItem(0).getAttributeList();
    }

    private static String string(AttributeList list, AttributeTag tag) {
        return Attribute.getSingleStringValueOrNull(list, tag);
    }

    private static boolean onPath(String program) {
        return Stream.of(System.getenv().getOrDefault("PATH", "").split(File.pathSeparator))
                .anyMatch(dir -> Files.isExecutable(Path.of(dir, program)));
    }
}
