package org.osteonode.report;

import com.pixelmed.dicom.Attribute;
import com.pixelmed.dicom.AttributeList;
import com.pixelmed.dicom.CodedSequenceItem;
import com.pixelmed.dicom.ContentItem;
import com.pixelmed.dicom.DicomInputStream;
import com.pixelmed.dicom.DicomOutputStream;
import com.pixelmed.dicom.SOPClass;
import com.pixelmed.dicom.SequenceAttribute;
import com.pixelmed.dicom.StructuredReport;
import com.pixelmed.dicom.TagFromName;
import com.pixelmed.dicom.TransferSyntax;
import org.junit.jupiter.api.Test;
import org.osteonode.testing.SyntheticDicom;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.time.LocalDateTime;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The report says what the scores said, item by item: the finding, the probability and its unit, the
 * assessment, and every source image in the image library, in INFERRED FROM and in the evidence. The
 * report is read back from its encoded bytes, as the PACS would read it.
 */
class OsteoporosisReportTest {
    private static final String DX = SOPClass.DigitalXRayImageStorageForPresentation;
    private static final String CR = SOPClass.ComputedRadiographyImageStorage;

    private final SyntheticDicom sourceImage = SyntheticDicom.radiograph().patient("MRN1234", "DOE^JANE");
    private final String seriesA = SyntheticDicom.newUid();
    private final String seriesB = SyntheticDicom.newUid();
    private final List<OsteoporosisReport.SourceImage> images = List.of(
            new OsteoporosisReport.SourceImage(DX, SyntheticDicom.newUid(), seriesA),
            new OsteoporosisReport.SourceImage(DX, SyntheticDicom.newUid(), seriesA),
            new OsteoporosisReport.SourceImage(CR, SyntheticDicom.newUid(), seriesB));
    private final OsteoporosisReport.Algorithm algorithm = new OsteoporosisReport.Algorithm("osteonode demo",
            "0.1.0", SyntheticDicom.newUid(), "osteonode project");
    private final String trackingUid = SyntheticDicom.newUid();

    @Test
    void theMeasurementGroupStatesTheFindingTheProbabilityAndTheAssessment() throws Exception {
        ContentItem group = measurementGroup(read(build(0.73456, true, 1)));

        ContentItem finding = child(group, Codes.FINDING);
        assertThat(finding.getValueType()).isEqualTo("CODE");
        assertThat(finding.getRelationshipType()).isEqualTo("CONTAINS");
        assertCode(((com.pixelmed.dicom.ContentItemFactory.CodeContentItem) finding).getConceptCode(), Codes.OSTEOPOROSIS);
        assertCode(((com.pixelmed.dicom.ContentItemFactory.CodeContentItem) child(group, Codes.FINDING_SITE))
                .getConceptCode(), Codes.Anatomy.LSPINE.code());

        com.pixelmed.dicom.ContentItemFactory.NumericContentItem probability =
                (com.pixelmed.dicom.ContentItemFactory.NumericContentItem) child(group, Codes.PROBABILITY_OF_OSTEOPOROSIS);
        assertThat(probability.getRelationshipType()).isEqualTo("CONTAINS");
        assertThat(probability.getNumericValue()).isEqualTo("0.7346");
        assertThat(probability.getUnits().getCodeValue()).isEqualTo("1");
        assertThat(probability.getUnits().getCodingSchemeDesignator()).isEqualTo("UCUM");

        assertCode(assessment(group), Codes.OSTEOPOROSIS_LIKELY);
        assertThat(((com.pixelmed.dicom.ContentItemFactory.TextContentItem) child(group, Codes.ALGORITHM_NAME))
                .getConceptValue().trim()).isEqualTo("osteonode demo");
        assertThat(((com.pixelmed.dicom.ContentItemFactory.TextContentItem) child(group, Codes.ALGORITHM_VERSION))
                .getConceptValue().trim()).isEqualTo("0.1.0");
        assertThat(child(group, Codes.TRACKING_UID).getConceptValue().trim()).isEqualTo(trackingUid);
    }

    @Test
    void anUnlikelyResultSaysUnlikely() throws Exception {
        ContentItem group = measurementGroup(read(build(0.12, false, 1)));

        assertCode(assessment(group), Codes.OSTEOPOROSIS_UNLIKELY);
        assertThat(((com.pixelmed.dicom.ContentItemFactory.NumericContentItem) child(group,
                Codes.PROBABILITY_OF_OSTEOPOROSIS)).getNumericValue()).isEqualTo("0.1200");
    }

    @Test
    void theProbabilityIsInferredFromEverySourceImage() throws Exception {
        ContentItem probability = child(measurementGroup(read(build(0.5, true, 1))), Codes.PROBABILITY_OF_OSTEOPOROSIS);

        List<String> inferredFrom = new ArrayList<>();
        for (int i = 0; i < probability.getChildCount(); i++) {
            ContentItem source = (ContentItem) probability.getChildAt(i);
            assertThat(source.getRelationshipType()).isEqualTo("INFERRED FROM");
            assertThat(source.getValueType()).isEqualTo("IMAGE");
            assertThat(source.getConceptNameCodeValue()).isEqualTo("121112");
            inferredFrom.add(source.getReferencedSOPClassUID() + " " + source.getReferencedSOPInstanceUID());
        }
        assertThat(inferredFrom).containsExactlyInAnyOrderElementsOf(classAndInstance(images));
    }

    @Test
    void theImageLibraryListsEverySourceImage() throws Exception {
        ContentItem root = (ContentItem) read(build(0.5, true, 1)).getRoot();
        ContentItem group = child(child(root, Codes.IMAGE_LIBRARY), Codes.IMAGE_LIBRARY_GROUP);

        List<String> library = new ArrayList<>();
        for (int i = 0; i < group.getChildCount(); i++) {
            ContentItem image = (ContentItem) group.getChildAt(i);
            library.add(image.getReferencedSOPClassUID() + " " + image.getReferencedSOPInstanceUID());
        }
        assertThat(library).containsExactlyInAnyOrderElementsOf(classAndInstance(images));
    }

    @Test
    void theEvidenceSequenceNamesEverySourceImageUnderItsSeriesInTheSourceStudy() throws Exception {
        AttributeList report = reread(build(0.5, true, 1));

        SequenceAttribute evidence = (SequenceAttribute) report.get(TagFromName.CurrentRequestedProcedureEvidenceSequence);
        assertThat(evidence.getNumberOfItems()).isEqualTo(1);
        AttributeList study = evidence.getItem(0).getAttributeList();
        assertThat(value(study, TagFromName.StudyInstanceUID)).isEqualTo(sourceImage.studyInstanceUid());
        Map<String, List<String>> bySeries = new LinkedHashMap<>();
        SequenceAttribute series = (SequenceAttribute) study.get(TagFromName.ReferencedSeriesSequence);
        for (int s = 0; s < series.getNumberOfItems(); s++) {
            AttributeList item = series.getItem(s).getAttributeList();
            SequenceAttribute sops = (SequenceAttribute) item.get(TagFromName.ReferencedSOPSequence);
            List<String> instances = new ArrayList<>();
            for (int i = 0; i < sops.getNumberOfItems(); i++) {
                AttributeList sop = sops.getItem(i).getAttributeList();
                instances.add(value(sop, TagFromName.ReferencedSOPClassUID) + " "
                        + value(sop, TagFromName.ReferencedSOPInstanceUID));
            }
            bySeries.put(value(item, TagFromName.SeriesInstanceUID), instances);
        }
        assertThat(bySeries).containsOnlyKeys(seriesA, seriesB);
        assertThat(bySeries.get(seriesA)).containsExactlyInAnyOrderElementsOf(classAndInstance(images.subList(0, 2)));
        assertThat(bySeries.get(seriesB)).containsExactlyInAnyOrderElementsOf(classAndInstance(images.subList(2, 3)));
    }

    @Test
    void theReportFilesIntoThePatientsStudyUnderItsOwnIdentity() throws Exception {
        OsteoporosisReport.Result result = result(0.5, true, 3);
        AttributeList report = reread(OsteoporosisReport.build(result));

        assertThat(value(report, TagFromName.SOPClassUID)).isEqualTo(SOPClass.Comprehensive3DSRStorage);
        assertThat(value(report, TagFromName.SOPInstanceUID)).isEqualTo(result.sopInstanceUid());
        assertThat(value(report, TagFromName.SeriesInstanceUID)).isEqualTo(result.seriesInstanceUid());
        assertThat(value(report, TagFromName.InstanceNumber)).isEqualTo("3");
        assertThat(value(report, TagFromName.Modality)).isEqualTo("SR");
        assertThat(value(report, TagFromName.StudyInstanceUID)).isEqualTo(sourceImage.studyInstanceUid());
        assertThat(value(report, TagFromName.PatientID)).isEqualTo("MRN1234");
        assertThat(value(report, TagFromName.PatientName)).isEqualTo("DOE^JANE");
        assertThat(value(report, TagFromName.AccessionNumber)).isNotEmpty()
                .isEqualTo(value(sourceImage.attributes(), TagFromName.AccessionNumber));
    }

    @Test
    void theHeaderIsAnUnverifiedCompleteSrOfTheAlgorithmWhichItNamesAsEquipment() throws Exception {
        AttributeList report = reread(build(0.5, true, 1));

        assertThat(value(report, TagFromName.CompletionFlag)).isEqualTo("COMPLETE");
        assertThat(value(report, TagFromName.VerificationFlag)).isEqualTo("UNVERIFIED");
        assertThat(value(report, TagFromName.SeriesNumber)).isEqualTo("9901");
        assertThat(value(report, TagFromName.SeriesDescription)).contains("RESEARCH USE ONLY");
        assertThat(value(report, TagFromName.InstanceCreationDate)).isEqualTo("20261126");
        assertThat(value(report, TagFromName.InstanceCreationTime)).isEqualTo("103000");
        assertThat(value(report, TagFromName.ContentDate)).isEqualTo("20261126");
        assertThat(value(report, TagFromName.ContentTime)).isEqualTo("103000");
        assertThat(report.get(TagFromName.ReferencedPerformedProcedureStepSequence)).isNotNull();
        assertThat(report.get(TagFromName.PerformedProcedureCodeSequence)).isNotNull();
        assertThat(value(report, TagFromName.Manufacturer)).isEqualTo("osteonode project");
        assertThat(value(report, TagFromName.ManufacturerModelName)).isEqualTo("osteonode demo");
        assertThat(value(report, TagFromName.DeviceSerialNumber)).isEqualTo(algorithm.deviceUid());
        assertThat(value(report, TagFromName.SoftwareVersions)).isEqualTo("0.1.0");

        AttributeList contributor = ((SequenceAttribute) report.get(TagFromName.ContributingEquipmentSequence))
                .getItem(0).getAttributeList();
        assertCode(CodedSequenceItem.getSingleCodedSequenceItemOrNull(contributor,
                TagFromName.PurposeOfReferenceCodeSequence), Codes.PROCESSING_EQUIPMENT);
        assertThat(value(contributor, TagFromName.Manufacturer)).isEqualTo("osteonode project");
        assertThat(value(contributor, TagFromName.ManufacturerModelName)).isEqualTo("osteonode demo");
        assertThat(value(contributor, TagFromName.SoftwareVersions)).isEqualTo("0.1.0");
        assertThat(value(contributor, TagFromName.DeviceUID)).isEqualTo(algorithm.deviceUid());
        assertThat(value(contributor, new com.pixelmed.dicom.AttributeTag(0x0018, 0xA002))).isEqualTo("20261126103000");
        assertThat(value(contributor, TagFromName.ContributionDescription)).isEqualTo("osteoporosis AI");

        AttributeList scheme = ((SequenceAttribute) report.get(TagFromName.CodingSchemeIdentificationSequence))
                .getItem(0).getAttributeList();
        assertThat(value(scheme, TagFromName.CodingSchemeDesignator)).isEqualTo("99OSTEONODE");
        assertThat(value(scheme, TagFromName.CodingSchemeName)).isNotEmpty();
        assertThat(value(scheme, TagFromName.CodingSchemeResponsibleOrganization)).isNotEmpty();
    }

    @Test
    void onlyScreenedBodyPartsHaveAFindingSite() {
        assertThat(Codes.Anatomy.of(org.osteonode.labels.BodyPart.LSPINE)).isEqualTo(Codes.Anatomy.LSPINE);
        assertThat(Codes.Anatomy.of(org.osteonode.labels.BodyPart.HIP)).isEqualTo(Codes.Anatomy.HIP);
        assertThat(Codes.Anatomy.of(org.osteonode.labels.BodyPart.CHEST)).isNull();
        assertThat(Codes.Anatomy.HIP.code().getCodeValue()).isEqualTo("24136001");
    }

    private OsteoporosisReport.Result result(double probability, boolean likely, int version) throws Exception {
        return new OsteoporosisReport.Result(sourceImage.attributes(), images, probability, likely,
                Codes.Anatomy.LSPINE, algorithm, version, SyntheticDicom.newUid(), SyntheticDicom.newUid(), trackingUid,
                LocalDateTime.of(2026, 11, 26, 10, 30));
    }

    private AttributeList build(double probability, boolean likely, int version) throws Exception {
        return OsteoporosisReport.build(result(probability, likely, version));
    }

    /** The report as a receiver parses it from Explicit VR Little Endian bytes. */
    private static AttributeList reread(AttributeList report) throws Exception {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        report.write(new DicomOutputStream(bytes, null, TransferSyntax.ExplicitVRLittleEndian));
        AttributeList list = new AttributeList();
        list.read(new DicomInputStream(new ByteArrayInputStream(bytes.toByteArray()),
                TransferSyntax.ExplicitVRLittleEndian, false));
        return list;
    }

    private static StructuredReport read(AttributeList report) throws Exception {
        return new StructuredReport(reread(report));
    }

    private static ContentItem measurementGroup(StructuredReport report) {
        ContentItem root = (ContentItem) report.getRoot();
        assertThat(root.getConceptNameCodeValue()).isEqualTo("126000");
        return child(child(root, Codes.IMAGING_MEASUREMENTS), Codes.MEASUREMENT_GROUP);
    }

    private static CodedSequenceItem assessment(ContentItem group) {
        return ((com.pixelmed.dicom.ContentItemFactory.CodeContentItem) child(group, Codes.OSTEOPOROSIS_ASSESSMENT))
                .getConceptCode();
    }

    /** The one child with this concept name; fails when there is none or more than one. */
    private static ContentItem child(ContentItem parent, CodedSequenceItem conceptName) {
        List<ContentItem> found = new ArrayList<>();
        for (int i = 0; i < parent.getChildCount(); i++) {
            ContentItem child = (ContentItem) parent.getChildAt(i);
            if (child.contentItemNameMatchesCodeValueAndCodingSchemeDesignator(conceptName.getCodeValue(),
                    conceptName.getCodingSchemeDesignator())) {
                found.add(child);
            }
        }
        assertThat(found).as(conceptName.getCodeMeaning()).hasSize(1);
        return found.get(0);
    }

    private static void assertCode(CodedSequenceItem actual, CodedSequenceItem expected) {
        assertThat(actual.getCodeValue() + " " + actual.getCodingSchemeDesignator())
                .isEqualTo(expected.getCodeValue() + " " + expected.getCodingSchemeDesignator());
    }

    private static List<String> classAndInstance(List<OsteoporosisReport.SourceImage> images) {
        return images.stream().map(image -> image.sopClassUid() + " " + image.sopInstanceUid()).toList();
    }

    private static String value(AttributeList list, com.pixelmed.dicom.AttributeTag tag) {
        return Attribute.getSingleStringValueOrEmptyString(list, tag).trim();
    }
}
