package org.osteonode.report;

import com.pixelmed.dicom.Attribute;
import com.pixelmed.dicom.AttributeList;
import com.pixelmed.dicom.AttributeTag;
import com.pixelmed.dicom.CodeStringAttribute;
import com.pixelmed.dicom.CodedSequenceItem;
import com.pixelmed.dicom.ContentItem;
import com.pixelmed.dicom.ContentItemFactory;
import com.pixelmed.dicom.DateAttribute;
import com.pixelmed.dicom.DateTimeAttribute;
import com.pixelmed.dicom.DicomException;
import com.pixelmed.dicom.IntegerStringAttribute;
import com.pixelmed.dicom.LongStringAttribute;
import com.pixelmed.dicom.SOPClass;
import com.pixelmed.dicom.SequenceAttribute;
import com.pixelmed.dicom.ShortStringAttribute;
import com.pixelmed.dicom.ShortTextAttribute;
import com.pixelmed.dicom.StructuredReport;
import com.pixelmed.dicom.TagFromName;
import com.pixelmed.dicom.TimeAttribute;
import com.pixelmed.dicom.UniqueIdentifierAttribute;

import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The osteoporosis result of one study as a Comprehensive 3D SR with TID 1500 "Measurement Report" content,
 * in the shape the IHE AI Results (AIR) profile asks of an AI result: language, a device observer naming the
 * algorithm, the procedure reported, an image library of the images used, and one measurement group with
 * the finding, the probability, the qualitative evaluation, the algorithm (TID 4019) and the source images.
 * Patient and study attributes are copied from a source image so that the PACS files the report into the
 * same patient and study.
 */
public final class OsteoporosisReport {
    private static final String RELATION_CONTAINS = "CONTAINS";
    private static final String RELATION_CONCEPT_MOD = "HAS CONCEPT MOD";
    private static final String RELATION_OBS_CONTEXT = "HAS OBS CONTEXT";
    private static final String RELATION_INFERRED_FROM = "INFERRED FROM";
    private static final DateTimeFormatter DA = DateTimeFormatter.BASIC_ISO_DATE;
    private static final DateTimeFormatter TM = DateTimeFormatter.ofPattern("HHmmss");

    /**
     * Patient and study attributes copied from the source so that the report files with the images (and all
     * the clinical path keeps of a study's header until its report is made).
     */
    public static final List<AttributeTag> PATIENT_AND_STUDY = List.of(
            TagFromName.SpecificCharacterSet,
            TagFromName.PatientName, TagFromName.PatientID, TagFromName.IssuerOfPatientID,
            TagFromName.PatientBirthDate, TagFromName.PatientSex,
            TagFromName.StudyInstanceUID, TagFromName.StudyDate, TagFromName.StudyTime,
            TagFromName.ReferringPhysicianName, TagFromName.StudyID, TagFromName.AccessionNumber,
            TagFromName.StudyDescription);
    /** Type 2 attributes of the Patient and General Study modules: present, empty when the source lacks them. */
    private static final List<AttributeTag> TYPE_2 = List.of(TagFromName.PatientName, TagFromName.PatientID,
            TagFromName.PatientBirthDate, TagFromName.PatientSex, TagFromName.StudyDate, TagFromName.StudyTime,
            TagFromName.ReferringPhysicianName, TagFromName.StudyID, TagFromName.AccessionNumber);

    /** One source image of the result. */
    public record SourceImage(String sopClassUid, String sopInstanceUid, String seriesInstanceUid) {
    }

    /** The algorithm, from its model card: the Device UID changes with every retraining. */
    public record Algorithm(String name, String version, String deviceUid, String manufacturer) {
    }

    /**
     * @param source       header of one image of the study (identified data: the report goes back to the PACS)
     * @param images       the images the result was computed from
     * @param probability  the aggregated probability of osteoporosis, 0 to 1
     * @param likely       whether it is at or above the model's operating threshold
     * @param bodyPart     the anatomy, for the finding site; null leaves the finding site out
     * @param version      1 for the first report of a study; a late instance makes version 2, and so on
     */
    public record Result(AttributeList source, List<SourceImage> images, double probability, boolean likely,
            Codes.Anatomy bodyPart, Algorithm algorithm, int version, String sopInstanceUid, String seriesInstanceUid,
            String trackingUid, LocalDateTime created) {
    }

    private OsteoporosisReport() {
    }

    public static AttributeList build(Result result) throws DicomException {
        AttributeList list = new StructuredReport(content(result)).getAttributeList();
        copyPatientAndStudy(result.source(), list);
        String date = result.created().format(DA);
        String time = result.created().format(TM);

        put(list, new UniqueIdentifierAttribute(TagFromName.SOPClassUID), SOPClass.Comprehensive3DSRStorage);
        put(list, new UniqueIdentifierAttribute(TagFromName.SOPInstanceUID), result.sopInstanceUid());
        put(list, new DateAttribute(TagFromName.InstanceCreationDate), date);
        put(list, new TimeAttribute(TagFromName.InstanceCreationTime), time);
        put(list, new CodeStringAttribute(TagFromName.Modality), "SR");
        put(list, new UniqueIdentifierAttribute(TagFromName.SeriesInstanceUID), result.seriesInstanceUid());
        put(list, new IntegerStringAttribute(TagFromName.SeriesNumber), "9901");
        put(list, new LongStringAttribute(TagFromName.SeriesDescription),
                "osteoporosis AI result - RESEARCH USE ONLY");
        list.put(new SequenceAttribute(TagFromName.ReferencedPerformedProcedureStepSequence));
        put(list, new IntegerStringAttribute(TagFromName.InstanceNumber), Integer.toString(result.version()));
        put(list, new CodeStringAttribute(TagFromName.CompletionFlag), "COMPLETE");
        put(list, new CodeStringAttribute(TagFromName.VerificationFlag), "UNVERIFIED");
        put(list, new DateAttribute(TagFromName.ContentDate), date);
        put(list, new TimeAttribute(TagFromName.ContentTime), time);
        list.put(new SequenceAttribute(TagFromName.PerformedProcedureCodeSequence));
        list.put(evidence(result));
        equipment(list, result.algorithm(), date + time);
        codingSchemes(list);
        return list;
    }

    /** TID 1500 Measurement Report. */
    private static ContentItem content(Result result) throws DicomException {
        ContentItemFactory items = new ContentItemFactory();
        ContentItem root = items.makeContainerContentItem(null, null, Codes.MEASUREMENT_REPORT, true, "DCMR", "1500");
        // TID 1204 Language of Content Item and Descendants
        ContentItem language = items.makeCodeContentItem(root, RELATION_CONCEPT_MOD, Codes.LANGUAGE, Codes.ENGLISH);
        items.makeCodeContentItem(language, RELATION_CONCEPT_MOD, Codes.COUNTRY_OF_LANGUAGE, Codes.UNITED_STATES);
        // TID 1001 / 1002 / 1004: the observer is a device, the algorithm
        Algorithm algorithm = result.algorithm();
        items.makeCodeContentItem(root, RELATION_OBS_CONTEXT, Codes.OBSERVER_TYPE, Codes.DEVICE);
        items.makeUIDContentItem(root, RELATION_OBS_CONTEXT, Codes.DEVICE_OBSERVER_UID, algorithm.deviceUid());
        items.makeTextContentItem(root, RELATION_OBS_CONTEXT, Codes.DEVICE_OBSERVER_NAME, algorithm.name());
        items.makeTextContentItem(root, RELATION_OBS_CONTEXT, Codes.DEVICE_OBSERVER_MANUFACTURER, algorithm.manufacturer());
        items.makeTextContentItem(root, RELATION_OBS_CONTEXT, Codes.DEVICE_OBSERVER_MODEL_NAME, algorithm.name());
        items.makeCodeContentItem(root, RELATION_CONCEPT_MOD, Codes.PROCEDURE_REPORTED, Codes.IMAGING_PROCEDURE);

        // TID 1600 Image Library
        ContentItem library = items.makeContainerContentItem(root, RELATION_CONTAINS, Codes.IMAGE_LIBRARY, true);
        ContentItem group = items.makeContainerContentItem(library, RELATION_CONTAINS, Codes.IMAGE_LIBRARY_GROUP, true);
        for (SourceImage image : result.images()) {
            items.makeImageContentItem(group, RELATION_CONTAINS, null, image.sopClassUid(), image.sopInstanceUid(),
                    0, 0, null, null, null, null);
        }

        // TID 1501 Measurement and Qualitative Evaluation Group
        ContentItem measurements = items.makeContainerContentItem(root, RELATION_CONTAINS, Codes.IMAGING_MEASUREMENTS, true);
        ContentItem measurementGroup = items.makeContainerContentItem(measurements, RELATION_CONTAINS,
                Codes.MEASUREMENT_GROUP, true);
        items.makeTextContentItem(measurementGroup, RELATION_OBS_CONTEXT, Codes.TRACKING_IDENTIFIER,
                "osteoporosis screening");
        items.makeUIDContentItem(measurementGroup, RELATION_OBS_CONTEXT, Codes.TRACKING_UID, result.trackingUid());
        items.makeCodeContentItem(measurementGroup, RELATION_CONTAINS, Codes.FINDING, Codes.OSTEOPOROSIS);
        if (result.bodyPart() != null) {
            items.makeCodeContentItem(measurementGroup, RELATION_CONCEPT_MOD, Codes.FINDING_SITE, result.bodyPart().code());
        }
        // TID 4019 Algorithm Identification
        items.makeTextContentItem(measurementGroup, RELATION_CONCEPT_MOD, Codes.ALGORITHM_NAME, algorithm.name());
        items.makeTextContentItem(measurementGroup, RELATION_CONCEPT_MOD, Codes.ALGORITHM_VERSION, algorithm.version());
        // TID 300 Measurement: the probability, inferred from the source images (TID 320)
        ContentItem probability = items.makeNumericContentItem(measurementGroup, RELATION_CONTAINS,
                Codes.PROBABILITY_OF_OSTEOPOROSIS, String.format(Locale.ROOT, "%.4f", result.probability()),
                Codes.NO_UNITS);
        for (SourceImage image : result.images()) {
            items.makeImageContentItem(probability, RELATION_INFERRED_FROM, Codes.SOURCE_OF_MEASUREMENT,
                    image.sopClassUid(), image.sopInstanceUid(), 0, 0, null, null, null, null);
        }
        items.makeCodeContentItem(measurementGroup, RELATION_CONTAINS, Codes.OSTEOPOROSIS_ASSESSMENT,
                result.likely() ? Codes.OSTEOPOROSIS_LIKELY : Codes.OSTEOPOROSIS_UNLIKELY);
        return root;
    }

    private static void copyPatientAndStudy(AttributeList source, AttributeList report) throws DicomException {
        for (AttributeTag tag : PATIENT_AND_STUDY) {
            Attribute attribute = source.get(tag);
            if (attribute != null) {
                report.put(attribute);
            }
        }
        for (AttributeTag tag : TYPE_2) {
            if (report.get(tag) == null) {
                report.put(com.pixelmed.dicom.AttributeFactory.newAttribute(tag));
            }
        }
    }

    /** Current Requested Procedure Evidence Sequence: the source images, by study and series (Hierarchical SOP Instance Reference Macro). */
    private static SequenceAttribute evidence(Result result) throws DicomException {
        Map<String, List<SourceImage>> bySeries = new LinkedHashMap<>();
        for (SourceImage image : result.images()) {
            bySeries.computeIfAbsent(image.seriesInstanceUid(), k -> new ArrayList<>()).add(image);
        }
        AttributeList study = new AttributeList();
        put(study, new UniqueIdentifierAttribute(TagFromName.StudyInstanceUID),
                Attribute.getSingleStringValueOrEmptyString(result.source(), TagFromName.StudyInstanceUID));
        SequenceAttribute seriesSequence = new SequenceAttribute(TagFromName.ReferencedSeriesSequence);
        for (Map.Entry<String, List<SourceImage>> series : bySeries.entrySet()) {
            AttributeList seriesItem = new AttributeList();
            put(seriesItem, new UniqueIdentifierAttribute(TagFromName.SeriesInstanceUID), series.getKey());
            SequenceAttribute sops = new SequenceAttribute(TagFromName.ReferencedSOPSequence);
            for (SourceImage image : series.getValue()) {
                AttributeList sop = new AttributeList();
                put(sop, new UniqueIdentifierAttribute(TagFromName.ReferencedSOPClassUID), image.sopClassUid());
                put(sop, new UniqueIdentifierAttribute(TagFromName.ReferencedSOPInstanceUID), image.sopInstanceUid());
                sops.addItem(sop);
            }
            seriesItem.put(sops);
            seriesSequence.addItem(seriesItem);
        }
        study.put(seriesSequence);
        SequenceAttribute evidence = new SequenceAttribute(TagFromName.CurrentRequestedProcedureEvidenceSequence);
        evidence.addItem(study);
        return evidence;
    }

    /** General and Enhanced General Equipment, and Contributing Equipment naming the algorithm as processing equipment. */
    private static void equipment(AttributeList list, Algorithm algorithm, String dateTime) throws DicomException {
        put(list, new LongStringAttribute(TagFromName.Manufacturer), algorithm.manufacturer());
        put(list, new LongStringAttribute(TagFromName.ManufacturerModelName), algorithm.name());
        put(list, new LongStringAttribute(TagFromName.DeviceSerialNumber), algorithm.deviceUid());
        put(list, new LongStringAttribute(TagFromName.SoftwareVersions), algorithm.version());

        AttributeList contributor = new AttributeList();
        SequenceAttribute purpose = new SequenceAttribute(TagFromName.PurposeOfReferenceCodeSequence);
        purpose.addItem(Codes.PROCESSING_EQUIPMENT.getAttributeList());
        contributor.put(purpose);
        put(contributor, new LongStringAttribute(TagFromName.Manufacturer), algorithm.manufacturer());
        put(contributor, new LongStringAttribute(TagFromName.ManufacturerModelName), algorithm.name());
        put(contributor, new LongStringAttribute(TagFromName.SoftwareVersions), algorithm.version());
        put(contributor, new UniqueIdentifierAttribute(TagFromName.DeviceUID), algorithm.deviceUid());
        put(contributor, new DateTimeAttribute(new AttributeTag(0x0018, 0xA002)), dateTime); // Contribution DateTime
        put(contributor, new ShortTextAttribute(TagFromName.ContributionDescription), "osteoporosis AI");
        SequenceAttribute contributing = new SequenceAttribute(TagFromName.ContributingEquipmentSequence);
        contributing.addItem(contributor);
        list.put(contributing);
    }

    /** The private coding scheme of osteonode's own codes, declared as PS3.3 C.12.1 asks. */
    private static void codingSchemes(AttributeList list) throws DicomException {
        AttributeList scheme = new AttributeList();
        put(scheme, new ShortStringAttribute(TagFromName.CodingSchemeDesignator), Codes.PRIVATE_SCHEME);
        put(scheme, new ShortTextAttribute(TagFromName.CodingSchemeName), "osteonode codes");
        put(scheme, new ShortTextAttribute(TagFromName.CodingSchemeResponsibleOrganization), "osteonode project");
        SequenceAttribute schemes = new SequenceAttribute(TagFromName.CodingSchemeIdentificationSequence);
        schemes.addItem(scheme);
        list.put(schemes);
    }

    private static void put(AttributeList list, Attribute attribute, String value) throws DicomException {
        attribute.addValue(value);
        list.put(attribute);
    }
}
