package org.osteonode.testing;

import static org.osteonode.testing.SyntheticDicom.put;
import static org.osteonode.testing.SyntheticDicom.putShort;
import com.pixelmed.dicom.AgeStringAttribute;
import com.pixelmed.dicom.Attribute;
import com.pixelmed.dicom.AttributeList;
import com.pixelmed.dicom.AttributeTag;
import com.pixelmed.dicom.CodeStringAttribute;
import com.pixelmed.dicom.DateAttribute;
import com.pixelmed.dicom.DateTimeAttribute;
import com.pixelmed.dicom.DecimalStringAttribute;
import com.pixelmed.dicom.DicomException;
import com.pixelmed.dicom.FileMetaInformation;
import com.pixelmed.dicom.FloatSingleAttribute;
import com.pixelmed.dicom.IntegerStringAttribute;
import com.pixelmed.dicom.LongStringAttribute;
import com.pixelmed.dicom.LongTextAttribute;
import com.pixelmed.dicom.OtherByteAttribute;
import com.pixelmed.dicom.OtherWordAttribute;
import com.pixelmed.dicom.PersonNameAttribute;
import com.pixelmed.dicom.SOPClass;
import com.pixelmed.dicom.SequenceAttribute;
import com.pixelmed.dicom.ShortStringAttribute;
import com.pixelmed.dicom.ShortTextAttribute;
import com.pixelmed.dicom.SignedShortAttribute;
import com.pixelmed.dicom.TagFromName;
import com.pixelmed.dicom.TimeAttribute;
import com.pixelmed.dicom.TransferSyntax;
import com.pixelmed.dicom.UniqueIdentifierAttribute;
import com.pixelmed.dicom.UnknownAttribute;
import com.pixelmed.dicom.UnlimitedTextAttribute;
import com.pixelmed.dicom.UnsignedLongAttribute;
import com.pixelmed.dicom.UnsignedShortAttribute;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * A corpus of radiographs with patient-identifying information planted in every place where de-identification
 * leaks are known to hide, for a test that de-identifies the corpus and then looks for every planted value in every
 * output byte ({@link PhiScanner#leaks}). Nothing here is real patient data; every name, number and address is
 * invented and chosen to be distinctive, so that finding one in an output can only mean a leak.
 *
 * <p>Six Part 10 files, Explicit VR Little Endian, 64 x 64 pixels:
 * <table>
 * <caption>The files of the corpus</caption>
 * <tr><th>file</th><th>object</th><th>where the PHI hides</th></tr>
 * <tr><td>{@code a1-dx-lspine-ap.dcm}</td>
 *     <td>patient A, study A1, DX lumbar spine; Burned In Annotation NO; {@link #referencedFile()}</td>
 *     <td>patient and other-patient-ID attributes, Request Attributes Sequence with dates three sequences deep,
 *     physicians, operators, institution and device, descriptions and comments, top-level dates and an
 *     Acquisition DateTime with a time zone, a private block with its creator, a private element without one</td></tr>
 * <tr><td>{@code a1-dx-lspine-ap-annotated.dcm}</td>
 *     <td>patient A, study A1, a derived copy of the first; {@link #referencingFile()}</td>
 *     <td>Source and Referenced Image Sequences, Referenced Performed Procedure Step Sequence, overlay plane,
 *     Graphic Annotation Sequence, Content Sequence, Original Attributes Sequence, a private element of VR UN</td></tr>
 * <tr><td>{@code a2-cr-hip.dcm}</td>
 *     <td>patient A, study A2 (a later date), CR hip; no Burned In Annotation</td>
 *     <td>patient address, telephone, mother's birth name, military rank, medical record locator, history,
 *     admitting diagnoses, patient comments, requesting physician, Scheduled Step Attributes Sequence,
 *     performed procedure step, CR plate and cassette IDs</td></tr>
 * <tr><td>{@code b1-dx-chest.dcm}</td>
 *     <td>patient B, study B1, DX chest</td>
 *     <td>occupation, order numbers, admission ID, physicians of record, a private block with its creator and a
 *     private sequence holding public attributes</td></tr>
 * <tr><td>{@code b1-dx-chest-burned-in.dcm}</td>
 *     <td>patient B, study B1, Burned In Annotation YES; {@link #burnedInFile()}</td><td>patient and study</td></tr>
 * <tr><td>{@code b2-us-abdomen.dcm}</td>
 *     <td>patient B, study B2, 8-bit ultrasound; no Burned In Annotation; {@link #ultrasoundFile()}</td>
 *     <td>patient, study, station and operator</td></tr>
 * </table>
 *
 * <p>Every file carries {@link #SOURCE_AE_TITLE} and {@link #IMPLEMENTATION_VERSION_NAME} in its File Meta
 * Information and UIDs that embed a patient's MRN and a date ({@link #plantedUids()}).
 *
 * <p>Dates: every planted date is more than 800 days from every other ({@link #plantedDates()}), so a date shift
 * of less than 800 days never turns one planted date into another and the scan cannot report a false leak.
 * Times (TM) are planted but not listed: six digits are not distinctive enough to search for, and the
 * PS3.15 options differ on whether times are kept.
 *
 * <p>Not PHI, planted to be kept: Patient's Age (including {@link #AGE_OVER_89}), Sex, Size and Weight, Body
 * Part Examined, View Position, {@link #MANUFACTURER} and {@link #MANUFACTURER_MODEL_NAME}, the private creator
 * strings.
 */
public final class PhiCorpus {
    /** (0002,0016) Source Application Entity Title of every file. */
    public static final String SOURCE_AE_TITLE = "ZEBRA_PACS_AE";
    /** (0002,0013) Implementation Version Name of every file, in place of PixelMed's own. */
    public static final String IMPLEMENTATION_VERSION_NAME = "ZEBRAPACS_V0412";

    /**
     * Patient's Name (0010,0010) of patient A's three files; also in private (0019,1001) and the private UN element
     * (0033,1001). Its components turn up alone in descriptions, comments, the overlay and the graphic annotation.
     */
    public static final String PATIENT_A_NAME = "ZEBRAFINCH^OTTOLINE^HYACINTHA";
    /**
     * Patient ID (0010,0020) of patient A; also in descriptions, protocol name, comments, admitting diagnoses,
     * private (0019,1001), the private UN element, the Content Sequence TEXT item and the Graphic Annotation text.
     * Its digits are in patient A's UIDs.
     */
    public static final String PATIENT_A_ID = "MRN93847561";
    /** Issuer of Patient ID (0010,0021) of both patients. */
    public static final String ISSUER_OF_PATIENT_ID = "HOSPITAL_A";
    /** Patient's Birth Date (0010,0030) of patient A; also in the series description of the first file. */
    public static final String PATIENT_A_BIRTH_DATE = "19200412";
    /** Patient A's birth date written as free text in the Graphic Annotation's Unformatted Text Value. */
    public static final String PATIENT_A_BIRTH_DATE_AS_TEXT = "12/04/1920";
    /** Patient ID in the Other Patient IDs Sequence (0010,1002) item of patient A's files. */
    public static final String PATIENT_A_OTHER_ID = "NHI4857203916";
    /** Issuer of Patient ID in the Other Patient IDs Sequence (0010,1002) item of patient A's files. */
    public static final String PATIENT_A_OTHER_ID_ISSUER = "NHI_REGISTRY_QX";
    /** Other Patient IDs (0010,1000) of patient A's files. */
    public static final String PATIENT_A_OTHER_IDS = "XREF70615243";
    /** Other Patient Names (0010,1001) of patient A's files: her birth name. */
    public static final String PATIENT_A_OTHER_NAME = "PEMBERWICK^OTTOLINE";
    /** Patient's Name before a correction, in the Original Attributes Sequence of the annotated file. */
    public static final String PATIENT_A_FORMER_NAME = "ZEBRAFINSH^OTTOLINE";
    /** Patient ID before a merge, in the Original Attributes Sequence of the annotated file. */
    public static final String PATIENT_A_FORMER_ID = "TMP00482911";
    /** Patient's Address (0010,1040), CR file. */
    public static final String PATIENT_A_ADDRESS = "42 MAGPIE ROW, LITTLE DUNTHORPE DX9 3PL";
    /** Patient's Telephone Numbers (0010,2154), CR file. */
    public static final String PATIENT_A_TELEPHONE = "+44 1632 960417";
    /** Patient's Mother's Birth Name (0010,1060), CR file. */
    public static final String PATIENT_A_MOTHER_BIRTH_NAME = "HOLLOWAYNE^GERTRUDE";
    /** Military Rank (0010,1080), CR file. */
    public static final String PATIENT_A_MILITARY_RANK = "SQUADRON LEADER";
    /** Medical Record Locator (0010,1090), CR file. */
    public static final String PATIENT_A_MEDICAL_RECORD_LOCATOR = "VAULT7-SHELF-0412-ZF";
    /** A relative's given name in Additional Patient History (0010,21B0), CR file. */
    public static final String PATIENT_A_DAUGHTER = "PRUDENCE";
    /** A relative's telephone number in Patient Comments (0010,4000), CR file. */
    public static final String PATIENT_A_DAUGHTER_TELEPHONE = "+44 1632 960588";

    /** Patient's Name (0010,0010) of patient B's three files; also private (0019,1001) and (0029,1010). */
    public static final String PATIENT_B_NAME = "QUOKKAWOOD^THADDEUS";
    /** Patient ID (0010,0020) of patient B; also in descriptions, comments, (0019,1001) and (0029,1010). */
    public static final String PATIENT_B_ID = "MRN61528374";
    /** Patient's Birth Date (0010,0030) of patient B. */
    public static final String PATIENT_B_BIRTH_DATE = "19530216";
    /** Occupation (0010,2180), first file of patient B. */
    public static final String PATIENT_B_OCCUPATION = "LIGHTHOUSE KEEPER";

    /** Study A1: Study Date, Series Date, Acquisition Date, Content Date; in Acquisition DateTime. */
    public static final String STUDY_A1_DATE = "20130718";
    /** Acquisition DateTime (0008,002A) of the first file, with a time zone. */
    public static final String ACQUISITION_DATE_TIME = STUDY_A1_DATE + "101542.125+0100";
    /** Study A1 Accession Number (0008,0050), top level and in the Request Attributes Sequence; protocol name. */
    public static final String ACCESSION_A1 = "ACC55501234";
    /** Study A1 Study ID (0020,0010). */
    public static final String STUDY_ID_A1 = "SID4471928";
    /** Requested Procedure ID (0040,1001) in the Request Attributes Sequence of study A1. */
    public static final String REQUESTED_PROCEDURE_ID_A1 = "RPID88120457";
    /** Scheduled Procedure Step ID (0040,0009) in the Request Attributes Sequence of study A1. */
    public static final String SCHEDULED_PROCEDURE_STEP_ID_A1 = "SPSID66049213";
    /**
     * Date (0040,A121), three sequences deep: Request Attributes Sequence &gt; Scheduled Protocol Code Sequence
     * &gt; Protocol Context Sequence, study A1.
     */
    public static final String NESTED_DATE = "20080923";
    /** DateTime (0040,A120) with a time zone, in the same item as {@link #NESTED_DATE}. */
    public static final String NESTED_DATE_TIME = "20110305084500.000-0500";
    /** Attribute Modification DateTime (0400,0562) in the Original Attributes Sequence of the annotated file. */
    public static final String MODIFICATION_DATE_TIME = "20180409113000+0100";
    /** Referring Physician's Name (0008,0090) of patient A's studies. */
    public static final String REFERRING_PHYSICIAN_A = "KESTRELMOOR^ALARIC";
    /** Performing Physician's Name (0008,1050) of patient A's series. */
    public static final String PERFORMING_PHYSICIAN_A = "WHITLOCKE^PERPETUA";
    /** Operators' Name (0008,1070) of patient A's series; the first of two values in the first file. */
    public static final String OPERATOR_A = "TANSYBROOK^DORIAN";
    /** Operators' Name (0008,1070) of the first file, second of two values. */
    public static final String SECOND_OPERATOR_A = "FERNSIDE^MAGNUS";
    /** Name of Physician(s) Reading Study (0008,1060) of patient A's studies. */
    public static final String READING_PHYSICIAN_A = "OSGOODBY^CLEMENTINE";
    /** Institution Name (0008,0080) of every file. */
    public static final String INSTITUTION_NAME = "SAINT BARNABY INFIRMARY";
    /** Institution Address (0008,0081) of every file. */
    public static final String INSTITUTION_ADDRESS = "17 WHITTLEBURY LANE, NETHERCOMBE NC4 7QZ";
    /** Institutional Department Name (0008,1040) of every file. */
    public static final String DEPARTMENT_NAME = "NETHERCOMBE BONE AND JOINT UNIT";
    /** Station Name (0008,1010) of the DX room: patient A's DX files and patient B's chest files. */
    public static final String STATION_DX = "XRAYROOM7WEST";
    /** Device Serial Number (0018,1000) of the DX room. */
    public static final String DEVICE_SERIAL_DX = "SNZX44710093";
    /** Detector ID (0018,700A) of the DX room. */
    public static final String DETECTOR_ID = "DETQ558812";
    /** Marker in the Overlay Data (6000,3000) bytes of the annotated file. */
    public static final String OVERLAY_MARKER = "OVERLAYPHI93847561";
    /** Surname in Overlay Comments (6000,4000) of the annotated file. */
    public static final String OVERLAY_AUTHOR = "GRIMSDYKE";
    /** Person Name (0040,A123) of the PNAME item of the Content Sequence of the annotated file. */
    public static final String CONTENT_PERSON_NAME = "MARCHBANKS^EULALIA";
    /** Consent form number in the TEXT item of the Content Sequence of the annotated file, next to the MRN. */
    public static final String CONSENT_NUMBER = "CONSENT7730241";
    /** Derivation Description (0008,2111) of the annotated file names this meeting reference. */
    public static final String MEETING_REFERENCE = "MDT-ZF-0718";
    /** Private creator (0019,0010); not PHI. */
    public static final String ACME_CREATOR = "ACME RADIOLOGY 1.0";
    /** (0021,1005), a private element without a private creator, first file. */
    public static final String ORPHAN_PRIVATE_ID = "ALTMRN40581736";

    /** Study A2: Study, Series, Acquisition, Content, Scheduled and Performed Procedure Step Dates of the CR. */
    public static final String STUDY_A2_DATE = "20151127";
    /** Study A2 Accession Number (0008,0050), top level, Request Attributes and Scheduled Step Attributes. */
    public static final String ACCESSION_A2 = "ACC55507788";
    /** Study A2 Study ID (0020,0010). */
    public static final String STUDY_ID_A2 = "SID4478015";
    /** Requested Procedure ID (0040,1001) of study A2. */
    public static final String REQUESTED_PROCEDURE_ID_A2 = "RPID88127730";
    /** Scheduled Procedure Step ID (0040,0009) of study A2. */
    public static final String SCHEDULED_PROCEDURE_STEP_ID_A2 = "SPSID66051187";
    /** Performed Procedure Step ID (0040,0253) of study A2. */
    public static final String PERFORMED_PROCEDURE_STEP_ID_A2 = "PPSID30918824";
    /** Requesting Physician (0032,1032) of study A2. */
    public static final String REQUESTING_PHYSICIAN = "QUINCEMORE^SOLOMON";
    /** Scheduled Performing Physician's Name (0040,0006) in the Scheduled Step Attributes Sequence, study A2. */
    public static final String SCHEDULED_PERFORMING_PHYSICIAN = "VANTERPOOL^HORATIA";
    /** Station Name (0008,1010) of the CR reader. */
    public static final String STATION_CR = "CRREADER2EAST";
    /** Device Serial Number (0018,1000) of the CR reader. */
    public static final String DEVICE_SERIAL_CR = "SNCR77200412";
    /** Plate ID (0018,1004) of the CR file. */
    public static final String PLATE_ID = "PLATE44817Q";
    /** Cassette ID (0018,1007) of the CR file. */
    public static final String CASSETTE_ID = "CASS90217Q";

    /** Study B1: Study, Series, Acquisition and Content Date of patient B's chest files. */
    public static final String STUDY_B1_DATE = "20201030";
    /** Study B1 Accession Number (0008,0050), top level and in the Request Attributes Sequence. */
    public static final String ACCESSION_B1 = "ACC55519870";
    /** Study B1 Study ID (0020,0010). */
    public static final String STUDY_ID_B1 = "SID5582039";
    /** Referring Physician's Name (0008,0090) of patient B's studies. */
    public static final String REFERRING_PHYSICIAN_B = "HAWTHORNDALE^ROSAMUND";
    /** Physicians of Record (0008,1048), first file of patient B. */
    public static final String PHYSICIAN_OF_RECORD_B = "CROWTHORNE^BEATRIX";
    /** Operators' Name (0008,1070) of patient B's series. */
    public static final String OPERATOR_B = "BRACKENRIDGE^IMOGEN";
    /** Placer Order Number / Imaging Service Request (0040,2016), first file of patient B. */
    public static final String PLACER_ORDER_NUMBER = "PON88210934";
    /** Filler Order Number / Imaging Service Request (0040,2017), first file of patient B. */
    public static final String FILLER_ORDER_NUMBER = "FON30417722";
    /** Admission ID (0038,0010), first file of patient B. */
    public static final String ADMISSION_ID = "ADM77319045";
    /** Study Date (0008,0020) in the item of the private sequence (0029,1010): a prior study. */
    public static final String PRIVATE_SEQUENCE_DATE = "20060214";

    /** Study B2: Study, Series, Acquisition and Content Date of the ultrasound. */
    public static final String STUDY_B2_DATE = "20230612";
    /** Study B2 Accession Number (0008,0050). */
    public static final String ACCESSION_B2 = "ACC55523456";
    /** Study B2 Study ID (0020,0010). */
    public static final String STUDY_ID_B2 = "SID6690214";
    /** Station Name (0008,1010) of the ultrasound cart. */
    public static final String STATION_US = "USCART2NORTH";
    /** Device Serial Number (0018,1000) of the ultrasound cart. */
    public static final String DEVICE_SERIAL_US = "SNUS31415926";

    /** Patient's Age of patient A at study A1: over 89, which HIPAA Safe Harbor does not let through as is. */
    public static final String AGE_OVER_89 = "093Y";
    /** Patient's Age of patient B at study B1. */
    public static final String AGE_67 = "067Y";
    /** Manufacturer (0008,0070) of every file; not PHI. */
    public static final String MANUFACTURER = "ACME MEDICAL SYSTEMS";
    /** Manufacturer's Model Name (0008,1090) of every file; not PHI. */
    public static final String MANUFACTURER_MODEL_NAME = "OSTEOGRAPH 3000";

    /** Invented root; the UIDs under it embed an MRN's digits and a date, as some modalities' UIDs do. */
    private static final String UID_ROOT = "1.2.826.0.1.3680043.9.7433";
    private static final String MRN_A = "93847561";
    private static final String MRN_B = "61528374";

    private static final String STUDY_A1_UID = uid(MRN_A, STUDY_A1_DATE, "1");
    private static final String SERIES_A1_AP_UID = uid(MRN_A, STUDY_A1_DATE, "2.1");
    private static final String SERIES_A1_ANNOTATED_UID = uid(MRN_A, STUDY_A1_DATE, "2.2");
    private static final String SOP_A1_AP_UID = uid(MRN_A, STUDY_A1_DATE, "3.1");
    private static final String SOP_A1_ANNOTATED_UID = uid(MRN_A, STUDY_A1_DATE, "3.2");
    private static final String FRAME_OF_REFERENCE_A1_UID = uid(MRN_A, PATIENT_A_BIRTH_DATE, "4");
    /** A Referenced SOP Instance UID of an object outside the corpus: the Modality Performed Procedure Step. */
    private static final String PERFORMED_PROCEDURE_STEP_A1_UID = uid(MRN_A, STUDY_A1_DATE, "5");
    private static final String IRRADIATION_EVENT_A1_UID = uid(MRN_A, STUDY_A1_DATE, "6");
    private static final String STUDY_A2_UID = uid(MRN_A, STUDY_A2_DATE, "1");
    private static final String SERIES_A2_UID = uid(MRN_A, STUDY_A2_DATE, "2.1");
    private static final String SOP_A2_UID = uid(MRN_A, STUDY_A2_DATE, "3.1");
    private static final String STUDY_B1_UID = uid(MRN_B, STUDY_B1_DATE, "1");
    private static final String SERIES_B1_CHEST_UID = uid(MRN_B, STUDY_B1_DATE, "2.1");
    private static final String SERIES_B1_BURNED_IN_UID = uid(MRN_B, STUDY_B1_DATE, "2.2");
    private static final String SOP_B1_CHEST_UID = uid(MRN_B, STUDY_B1_DATE, "3.1");
    private static final String SOP_B1_BURNED_IN_UID = uid(MRN_B, STUDY_B1_DATE, "3.2");
    private static final String FRAME_OF_REFERENCE_B1_UID = uid(MRN_B, PATIENT_B_BIRTH_DATE, "4");
    private static final String STUDY_B2_UID = uid(MRN_B, STUDY_B2_DATE, "1");
    private static final String SERIES_B2_UID = uid(MRN_B, STUDY_B2_DATE, "2.1");
    private static final String SOP_B2_UID = uid(MRN_B, STUDY_B2_DATE, "3.1");

    private static final List<String> PLANTED_UIDS = List.of(
            STUDY_A1_UID, SERIES_A1_AP_UID, SERIES_A1_ANNOTATED_UID, SOP_A1_AP_UID, SOP_A1_ANNOTATED_UID,
            FRAME_OF_REFERENCE_A1_UID, PERFORMED_PROCEDURE_STEP_A1_UID, IRRADIATION_EVENT_A1_UID,
            STUDY_A2_UID, SERIES_A2_UID, SOP_A2_UID,
            STUDY_B1_UID, SERIES_B1_CHEST_UID, SERIES_B1_BURNED_IN_UID, SOP_B1_CHEST_UID, SOP_B1_BURNED_IN_UID,
            FRAME_OF_REFERENCE_B1_UID, STUDY_B2_UID, SERIES_B2_UID, SOP_B2_UID);

    private static final List<String> PLANTED_DATES = List.of(
            PATIENT_A_BIRTH_DATE, PATIENT_B_BIRTH_DATE, PRIVATE_SEQUENCE_DATE, NESTED_DATE,
            NESTED_DATE_TIME.substring(0, 8), STUDY_A1_DATE, STUDY_A2_DATE, MODIFICATION_DATE_TIME.substring(0, 8),
            STUDY_B1_DATE, STUDY_B2_DATE);

    private static final List<String> PLANTED_PERSON_NAMES = List.of(
            PATIENT_A_NAME, PATIENT_A_OTHER_NAME, PATIENT_A_FORMER_NAME, PATIENT_A_MOTHER_BIRTH_NAME, PATIENT_B_NAME,
            REFERRING_PHYSICIAN_A, PERFORMING_PHYSICIAN_A, OPERATOR_A, SECOND_OPERATOR_A, READING_PHYSICIAN_A,
            CONTENT_PERSON_NAME, REQUESTING_PHYSICIAN, SCHEDULED_PERFORMING_PHYSICIAN,
            REFERRING_PHYSICIAN_B, PHYSICIAN_OF_RECORD_B, OPERATOR_B);

    private static final List<String> PLANTED_OTHER_VALUES = List.of(
            SOURCE_AE_TITLE, IMPLEMENTATION_VERSION_NAME,
            PATIENT_A_ID, ISSUER_OF_PATIENT_ID, PATIENT_A_BIRTH_DATE_AS_TEXT, PATIENT_A_OTHER_ID,
            PATIENT_A_OTHER_ID_ISSUER, PATIENT_A_OTHER_IDS, PATIENT_A_FORMER_ID, PATIENT_A_ADDRESS,
            PATIENT_A_TELEPHONE, PATIENT_A_MILITARY_RANK, PATIENT_A_MEDICAL_RECORD_LOCATOR, PATIENT_A_DAUGHTER,
            PATIENT_A_DAUGHTER_TELEPHONE, PATIENT_B_ID, PATIENT_B_OCCUPATION,
            ACQUISITION_DATE_TIME, ACCESSION_A1, STUDY_ID_A1, REQUESTED_PROCEDURE_ID_A1,
            SCHEDULED_PROCEDURE_STEP_ID_A1, NESTED_DATE_TIME, MODIFICATION_DATE_TIME,
            INSTITUTION_NAME, INSTITUTION_ADDRESS, DEPARTMENT_NAME, STATION_DX, DEVICE_SERIAL_DX, DETECTOR_ID,
            OVERLAY_MARKER, OVERLAY_AUTHOR, CONSENT_NUMBER, MEETING_REFERENCE, ORPHAN_PRIVATE_ID,
            ACCESSION_A2, STUDY_ID_A2, REQUESTED_PROCEDURE_ID_A2, SCHEDULED_PROCEDURE_STEP_ID_A2,
            PERFORMED_PROCEDURE_STEP_ID_A2, STATION_CR, DEVICE_SERIAL_CR, PLATE_ID, CASSETTE_ID,
            ACCESSION_B1, STUDY_ID_B1, PLACER_ORDER_NUMBER, FILLER_ORDER_NUMBER, ADMISSION_ID,
            ACCESSION_B2, STUDY_ID_B2, STATION_US, DEVICE_SERIAL_US);

    private record Patient(String name, String id, String birthDate, String sex, String size, String weight) {
    }

    private record Study(String uid, String date, String time, String accession, String studyId,
                         String referringPhysician, String description) {
    }

    private static final Patient PATIENT_A =
            new Patient(PATIENT_A_NAME, PATIENT_A_ID, PATIENT_A_BIRTH_DATE, "F", "1.58", "51");
    private static final Patient PATIENT_B =
            new Patient(PATIENT_B_NAME, PATIENT_B_ID, PATIENT_B_BIRTH_DATE, "M", "1.81", "88");
    private static final Study STUDY_A1 = new Study(STUDY_A1_UID, STUDY_A1_DATE, "101203", ACCESSION_A1,
            STUDY_ID_A1, REFERRING_PHYSICIAN_A, "LUMBAR SPINE AP LAT ZEBRAFINCH " + PATIENT_A_ID);
    private static final Study STUDY_A2 = new Study(STUDY_A2_UID, STUDY_A2_DATE, "143355", ACCESSION_A2,
            STUDY_ID_A2, REFERRING_PHYSICIAN_A, "HIP AP AFTER FALL OTTOLINE ZEBRAFINCH");
    private static final Study STUDY_B1 = new Study(STUDY_B1_UID, STUDY_B1_DATE, "081719", ACCESSION_B1,
            STUDY_ID_B1, REFERRING_PHYSICIAN_B, "CHEST PA QUOKKAWOOD " + PATIENT_B_ID);
    private static final Study STUDY_B2 = new Study(STUDY_B2_UID, STUDY_B2_DATE, "160402", ACCESSION_B2,
            STUDY_ID_B2, REFERRING_PHYSICIAN_B, "US ABDOMEN THADDEUS QUOKKAWOOD");

    // Tags PixelMed's TagFromName does not name.
    private static final AttributeTag SCHEDULED_PROCEDURE_STEP_ID = new AttributeTag(0x0040, 0x0009);
    private static final AttributeTag SCHEDULED_PROTOCOL_CODE_SEQUENCE = new AttributeTag(0x0040, 0x0008);
    private static final AttributeTag SCHEDULED_STEP_ATTRIBUTES_SEQUENCE = new AttributeTag(0x0040, 0x0270);
    private static final AttributeTag PROTOCOL_CONTEXT_SEQUENCE = new AttributeTag(0x0040, 0x0440);
    private static final AttributeTag GRAPHIC_LAYER = new AttributeTag(0x0070, 0x0002);
    private static final AttributeTag BOUNDING_BOX_ANNOTATION_UNITS = new AttributeTag(0x0070, 0x0003);
    private static final AttributeTag UNFORMATTED_TEXT_VALUE = new AttributeTag(0x0070, 0x0006);
    private static final AttributeTag TEXT_OBJECT_SEQUENCE = new AttributeTag(0x0070, 0x0008);
    private static final AttributeTag BOUNDING_BOX_TOP_LEFT_HAND_CORNER = new AttributeTag(0x0070, 0x0010);
    private static final AttributeTag BOUNDING_BOX_BOTTOM_RIGHT_HAND_CORNER = new AttributeTag(0x0070, 0x0011);
    private static final AttributeTag BOUNDING_BOX_TEXT_HORIZONTAL_JUSTIFICATION = new AttributeTag(0x0070, 0x0012);

    private static final String MODALITY_PERFORMED_PROCEDURE_STEP_SOP_CLASS = "1.2.840.10008.3.1.2.3.3";
    private static final int SIZE = 64;

    private final List<Path> files;
    private final Map<Path, String> studyInstanceUids;
    private final Map<Path, String> sopInstanceUids;

    private PhiCorpus(List<Path> files, Map<Path, String> studyInstanceUids, Map<Path, String> sopInstanceUids) {
        this.files = files;
        this.studyInstanceUids = studyInstanceUids;
        this.sopInstanceUids = sopInstanceUids;
    }

    /** Writes the six files into {@code dir} (created if missing) and describes them. */
    public static PhiCorpus write(Path dir) throws IOException, DicomException {
        Files.createDirectories(dir);
        Map<Path, AttributeList> objects = new LinkedHashMap<>();
        objects.put(dir.resolve("a1-dx-lspine-ap.dcm"), lumbarSpineAp());
        objects.put(dir.resolve("a1-dx-lspine-ap-annotated.dcm"), lumbarSpineAnnotated());
        objects.put(dir.resolve("a2-cr-hip.dcm"), hip());
        objects.put(dir.resolve("b1-dx-chest.dcm"), chest());
        objects.put(dir.resolve("b1-dx-chest-burned-in.dcm"), chestWithBurnedInAnnotation());
        objects.put(dir.resolve("b2-us-abdomen.dcm"), ultrasound());
        Map<Path, String> studies = new LinkedHashMap<>();
        Map<Path, String> instances = new LinkedHashMap<>();
        for (Map.Entry<Path, AttributeList> object : objects.entrySet()) {
            writePart10(object.getKey(), object.getValue());
            studies.put(object.getKey(), string(object.getValue(), TagFromName.StudyInstanceUID));
            instances.put(object.getKey(), string(object.getValue(), TagFromName.SOPInstanceUID));
        }
        PhiCorpus corpus = new PhiCorpus(List.copyOf(objects.keySet()), studies, instances);
        PlantedPhi.add(corpus.plantedValues());
        PlantedPhi.add(corpus.plantedUids());
        return corpus;
    }

    /** Every file of the corpus, in the order of the table above. */
    public List<Path> files() {
        return files;
    }

    /**
     * Every planted identifying string, each as the exact text to look for: the values, and each component of every
     * person name on its own ("ZEBRAFINCH", "OTTOLINE", ...). Without the UIDs: see {@link #plantedUids()}.
     */
    public List<String> plantedValues() {
        Set<String> values = new LinkedHashSet<>();
        for (String name : PLANTED_PERSON_NAMES) {
            values.add(name);
            values.addAll(Arrays.asList(name.split("\\^")));
        }
        values.addAll(PLANTED_OTHER_VALUES);
        values.addAll(PLANTED_DATES);
        return List.copyOf(values);
    }

    /**
     * The UIDs a de-identifier must replace: Study, Series and SOP Instance UIDs (and so the Media Storage SOP
     * Instance UIDs), Frame of Reference UIDs, an Irradiation Event UID and a Referenced SOP Instance UID of an
     * object outside the corpus. Each embeds a patient's MRN digits and a date.
     */
    public List<String> plantedUids() {
        return PLANTED_UIDS;
    }

    /** The planted dates (DA, and the date of each planted DT), pairwise more than 800 days apart. */
    public List<String> plantedDates() {
        return PLANTED_DATES;
    }

    /** Patient A's Patient ID, the same in both of its studies. */
    public String patientId() {
        return PATIENT_A_ID;
    }

    /** Patient A's Issuer of Patient ID, the same in both of its studies. */
    public String issuerOfPatientId() {
        return ISSUER_OF_PATIENT_ID;
    }

    /**
     * Patient A's files grouped by study, earlier study first: study A1 (the DX lumbar spine and its annotated
     * copy) and study A2 (the CR hip), with different Study Dates and the same Patient ID and Issuer.
     */
    public List<List<Path>> studiesOfSamePatient() {
        return List.of(List.of(files.get(0), files.get(1)), List.of(files.get(2)));
    }

    /** The DX image that the annotated copy references. */
    public Path referencedFile() {
        return files.get(0);
    }

    /**
     * The annotated copy: its Source Image Sequence (0008,2112) and Referenced Image Sequence (0008,1140) items hold
     * the SOP Instance UID of {@link #referencedFile()}.
     */
    public Path referencingFile() {
        return files.get(1);
    }

    /** Burned In Annotation YES: a de-identifier must quarantine it, not archive it. */
    public Path burnedInFile() {
        return files.get(4);
    }

    /** Ultrasound Image Storage, Modality US, 8 bits MONOCHROME2, no Burned In Annotation. */
    public Path ultrasoundFile() {
        return files.get(5);
    }

    /** The SOP Instance UID of a file of the corpus, as planted (also its Media Storage SOP Instance UID). */
    public String sopInstanceUid(Path file) {
        return known(sopInstanceUids, file);
    }

    /** The Study Instance UID of a file of the corpus, as planted. */
    public String studyInstanceUid(Path file) {
        return known(studyInstanceUids, file);
    }

    private static String known(Map<Path, String> uids, Path file) {
        String uid = uids.get(file);
        if (uid == null) {
            throw new IllegalArgumentException(file + " is not a file of this corpus");
        }
        return uid;
    }

    // ---- patients, studies and equipment shared by several files

    private static String uid(String mrnDigits, String date, String suffix) {
        return UID_ROOT + "." + mrnDigits + "." + date + "." + suffix;
    }

    /** The DX or CR image modules of {@link SyntheticDicom}, with the identity of this corpus over its defaults. */
    private static AttributeList radiograph(Patient patient, String age, Study study, String seriesUid,
                                            String sopUid, String bodyPart, String viewPosition)
            throws DicomException {
        AttributeList list = SyntheticDicom.radiograph().patient(patient.id(), patient.name()).study(study.uid())
                .series(seriesUid).bodyPart(bodyPart).size(SIZE, SIZE).attributes();
        put(list, new UniqueIdentifierAttribute(TagFromName.SOPInstanceUID), sopUid);
        put(list, new CodeStringAttribute(TagFromName.ViewPosition), viewPosition);
        putPatient(list, patient, age);
        putStudy(list, study);
        put(list, new LongStringAttribute(TagFromName.Manufacturer), MANUFACTURER);
        put(list, new LongStringAttribute(TagFromName.ManufacturerModelName), MANUFACTURER_MODEL_NAME);
        put(list, new LongStringAttribute(TagFromName.InstitutionName), INSTITUTION_NAME);
        put(list, new ShortTextAttribute(TagFromName.InstitutionAddress), INSTITUTION_ADDRESS);
        put(list, new LongStringAttribute(TagFromName.InstitutionalDepartmentName), DEPARTMENT_NAME);
        return list;
    }

    private static void putPatient(AttributeList list, Patient patient, String age) throws DicomException {
        put(list, new PersonNameAttribute(TagFromName.PatientName), patient.name());
        put(list, new LongStringAttribute(TagFromName.PatientID), patient.id());
        put(list, new LongStringAttribute(TagFromName.IssuerOfPatientID), ISSUER_OF_PATIENT_ID);
        put(list, new DateAttribute(TagFromName.PatientBirthDate), patient.birthDate());
        put(list, new CodeStringAttribute(TagFromName.PatientSex), patient.sex());
        put(list, new AgeStringAttribute(TagFromName.PatientAge), age);
        put(list, new DecimalStringAttribute(TagFromName.PatientSize), patient.size());
        put(list, new DecimalStringAttribute(TagFromName.PatientWeight), patient.weight());
    }

    private static void putStudy(AttributeList list, Study study) throws DicomException {
        put(list, new UniqueIdentifierAttribute(TagFromName.StudyInstanceUID), study.uid());
        put(list, new DateAttribute(TagFromName.StudyDate), study.date());
        put(list, new TimeAttribute(TagFromName.StudyTime), study.time());
        put(list, new ShortStringAttribute(TagFromName.AccessionNumber), study.accession());
        put(list, new ShortStringAttribute(TagFromName.StudyID), study.studyId());
        put(list, new PersonNameAttribute(TagFromName.ReferringPhysicianName), study.referringPhysician());
        put(list, new LongStringAttribute(TagFromName.StudyDescription), study.description());
    }

    /** Series, acquisition and content on the study's day. */
    private static void putSeriesAndContentDates(AttributeList list, String date, String seriesTime,
                                                 String contentTime) throws DicomException {
        put(list, new DateAttribute(TagFromName.SeriesDate), date);
        put(list, new TimeAttribute(TagFromName.SeriesTime), seriesTime);
        put(list, new DateAttribute(TagFromName.AcquisitionDate), date);
        put(list, new TimeAttribute(TagFromName.AcquisitionTime), contentTime);
        put(list, new DateAttribute(TagFromName.ContentDate), date);
        put(list, new TimeAttribute(TagFromName.ContentTime), contentTime);
    }

    private static void putPatientAOtherIds(AttributeList list) throws DicomException {
        AttributeList otherId = new AttributeList();
        put(otherId, new LongStringAttribute(TagFromName.PatientID), PATIENT_A_OTHER_ID);
        put(otherId, new LongStringAttribute(TagFromName.IssuerOfPatientID), PATIENT_A_OTHER_ID_ISSUER);
        put(otherId, new CodeStringAttribute(TagFromName.TypeOfPatientID), "TEXT");
        list.put(sequence(TagFromName.OtherPatientIDsSequence, otherId));
        put(list, new LongStringAttribute(TagFromName.OtherPatientIDs), PATIENT_A_OTHER_IDS);
        put(list, new PersonNameAttribute(TagFromName.OtherPatientNames), PATIENT_A_OTHER_NAME);
    }

    private static void putDxRoom(AttributeList list) throws DicomException {
        put(list, new ShortStringAttribute(TagFromName.StationName), STATION_DX);
        put(list, new LongStringAttribute(TagFromName.DeviceSerialNumber), DEVICE_SERIAL_DX);
        put(list, new ShortStringAttribute(TagFromName.DetectorID), DETECTOR_ID);
    }

    /**
     * Request Attributes Sequence of study A1; its Protocol Context item, three sequences deep, holds a DA, a DT
     * with a time zone and a TM.
     */
    private static SequenceAttribute requestAttributesA1() throws DicomException {
        AttributeList context = new AttributeList();
        put(context, new CodeStringAttribute(TagFromName.ValueType), "DATETIME");
        context.put(sequence(TagFromName.ConceptNameCodeSequence, code("111526", "DCM", "DateTime Started")));
        put(context, new DateTimeAttribute(TagFromName.DateTime), NESTED_DATE_TIME);
        put(context, new DateAttribute(TagFromName.Date), NESTED_DATE);
        put(context, new TimeAttribute(TagFromName.Time), "084500");
        AttributeList protocol = code("LSP2V", "99ZEBRA", "Lumbar spine two views");
        protocol.put(sequence(PROTOCOL_CONTEXT_SEQUENCE, context));
        AttributeList request = new AttributeList();
        put(request, new ShortStringAttribute(TagFromName.AccessionNumber), ACCESSION_A1);
        put(request, new ShortStringAttribute(TagFromName.RequestedProcedureID), REQUESTED_PROCEDURE_ID_A1);
        put(request, new ShortStringAttribute(SCHEDULED_PROCEDURE_STEP_ID), SCHEDULED_PROCEDURE_STEP_ID_A1);
        put(request, new LongStringAttribute(TagFromName.RequestedProcedureDescription), "LUMBAR SPINE 2 VIEWS");
        request.put(sequence(SCHEDULED_PROTOCOL_CODE_SEQUENCE, protocol));
        return sequence(TagFromName.RequestAttributesSequence, request);
    }

    // ---- the six objects

    private static AttributeList lumbarSpineAp() throws DicomException {
        AttributeList list = radiograph(PATIENT_A, AGE_OVER_89, STUDY_A1, SERIES_A1_AP_UID, SOP_A1_AP_UID,
                "LSPINE", "AP");
        putPatientAOtherIds(list);
        list.put(requestAttributesA1());
        putSeriesAndContentDates(list, STUDY_A1_DATE, "101433", "101542.125");
        put(list, new DateTimeAttribute(TagFromName.AcquisitionDateTime), ACQUISITION_DATE_TIME);
        put(list, new LongStringAttribute(TagFromName.SeriesDescription),
                "LSPINE AP OTTOLINE DOB " + PATIENT_A_BIRTH_DATE);
        put(list, new LongStringAttribute(TagFromName.ProtocolName), "L-SPINE 2V ZEBRAFINCH " + ACCESSION_A1);
        put(list, new LongTextAttribute(TagFromName.ImageComments),
                "Pt Ottoline Zebrafinch (" + PATIENT_A_ID + "), ask Dr Kestrelmoor before reporting");
        put(list, new PersonNameAttribute(TagFromName.PerformingPhysicianName), PERFORMING_PHYSICIAN_A);
        put(list, new PersonNameAttribute(TagFromName.OperatorsName), OPERATOR_A, SECOND_OPERATOR_A);
        put(list, new PersonNameAttribute(TagFromName.NameOfPhysiciansReadingStudy), READING_PHYSICIAN_A);
        putDxRoom(list);
        put(list, new UniqueIdentifierAttribute(TagFromName.FrameOfReferenceUID), FRAME_OF_REFERENCE_A1_UID);
        put(list, new UniqueIdentifierAttribute(TagFromName.IrradiationEventUID), IRRADIATION_EVENT_A1_UID);
        put(list, new CodeStringAttribute(TagFromName.BurnedInAnnotation), "NO");
        put(list, new LongStringAttribute(new AttributeTag(0x0019, 0x0010)), ACME_CREATOR);
        put(list, new LongStringAttribute(new AttributeTag(0x0019, 0x1001)), PATIENT_A_NAME + " " + PATIENT_A_ID);
        // No (0021,0010): a private element whose creator is missing, as some modalities write them.
        put(list, new LongStringAttribute(new AttributeTag(0x0021, 0x1005)), ORPHAN_PRIVATE_ID);
        return list;
    }

    private static AttributeList lumbarSpineAnnotated() throws DicomException {
        AttributeList list = radiograph(PATIENT_A, AGE_OVER_89, STUDY_A1, SERIES_A1_ANNOTATED_UID,
                SOP_A1_ANNOTATED_UID, "LSPINE", "AP");
        put(list, new CodeStringAttribute(TagFromName.ImageType), "DERIVED", "SECONDARY");
        putPatientAOtherIds(list);
        list.put(requestAttributesA1());
        putSeriesAndContentDates(list, STUDY_A1_DATE, "112040", "112041");
        put(list, new LongStringAttribute(TagFromName.SeriesDescription), "LSPINE AP ANNOTATED ZEBRAFINCH");
        put(list, new IntegerStringAttribute(TagFromName.SeriesNumber), "2");
        put(list, new PersonNameAttribute(TagFromName.PerformingPhysicianName), PERFORMING_PHYSICIAN_A);
        put(list, new PersonNameAttribute(TagFromName.OperatorsName), OPERATOR_A);
        putDxRoom(list);
        put(list, new UniqueIdentifierAttribute(TagFromName.FrameOfReferenceUID), FRAME_OF_REFERENCE_A1_UID);
        put(list, new CodeStringAttribute(TagFromName.BurnedInAnnotation), "NO");

        put(list, new ShortTextAttribute(TagFromName.DerivationDescription),
                "Annotated copy for " + MEETING_REFERENCE + ", " + ACCESSION_A1);
        list.put(sequence(TagFromName.SourceImageSequence, reference(SOP_A1_AP_UID)));
        list.put(sequence(TagFromName.ReferencedImageSequence, reference(SOP_A1_AP_UID)));
        AttributeList performedProcedureStep = new AttributeList();
        put(performedProcedureStep, new UniqueIdentifierAttribute(TagFromName.ReferencedSOPClassUID),
                MODALITY_PERFORMED_PROCEDURE_STEP_SOP_CLASS);
        put(performedProcedureStep, new UniqueIdentifierAttribute(TagFromName.ReferencedSOPInstanceUID),
                PERFORMED_PROCEDURE_STEP_A1_UID);
        list.put(sequence(TagFromName.ReferencedPerformedProcedureStepSequence, performedProcedureStep));

        putOverlay(list);
        list.put(graphicAnnotation());
        list.put(contentSequence());
        list.put(originalAttributes());
        put(list, new LongStringAttribute(new AttributeTag(0x0033, 0x0010)), "ZEBRA PACS NOTES");
        // VR UN, as a private element arrives after an Implicit VR hop: no dictionary tells what the bytes are.
        UnknownAttribute note = new UnknownAttribute(new AttributeTag(0x0033, 0x1001));
        note.setValues(evenLength(ascii("NOTE " + PATIENT_A_NAME + " " + PATIENT_A_ID + " BED 14")));
        list.put(note);
        return list;
    }

    /** Overlay Data spells {@link #OVERLAY_MARKER} in ASCII: one bit per overlay pixel, the rest zero. */
    private static void putOverlay(AttributeList list) throws DicomException {
        putShort(list, TagFromName.OverlayRows, SIZE);
        putShort(list, TagFromName.OverlayColumns, SIZE);
        put(list, new CodeStringAttribute(TagFromName.OverlayType), "G");
        SignedShortAttribute origin = new SignedShortAttribute(TagFromName.OverlayOrigin);
        origin.addValue(1);
        origin.addValue(1);
        list.put(origin);
        putShort(list, TagFromName.OverlayBitsAllocated, 1);
        putShort(list, TagFromName.OverlayBitPosition, 0);
        put(list, new LongStringAttribute(TagFromName.OverlayDescription), "L4 CALIPERS ZEBRAFINCH");
        put(list, new LongStringAttribute(TagFromName.OverlayLabel), "ZEBRAFINCH L4");
        put(list, new LongTextAttribute(TagFromName.OverlayComments),
                "Marked by " + OVERLAY_AUTHOR + " for Ottoline Zebrafinch");
        byte[] bits = new byte[SIZE * SIZE / 8];
        byte[] marker = ascii(OVERLAY_MARKER);
        System.arraycopy(marker, 0, bits, 0, marker.length);
        OtherWordAttribute data = new OtherWordAttribute(TagFromName.OverlayData);
        data.setValues(littleEndianWords(bits));
        list.put(data);
    }

    private static SequenceAttribute graphicAnnotation() throws DicomException {
        AttributeList text = new AttributeList();
        put(text, new CodeStringAttribute(BOUNDING_BOX_ANNOTATION_UNITS), "PIXEL");
        put(text, new ShortTextAttribute(UNFORMATTED_TEXT_VALUE),
                "ZEBRAFINCH, OTTOLINE  DOB " + PATIENT_A_BIRTH_DATE_AS_TEXT + "  " + PATIENT_A_ID);
        putFloats(text, BOUNDING_BOX_TOP_LEFT_HAND_CORNER, 2, 2);
        putFloats(text, BOUNDING_BOX_BOTTOM_RIGHT_HAND_CORNER, 62, 10);
        put(text, new CodeStringAttribute(BOUNDING_BOX_TEXT_HORIZONTAL_JUSTIFICATION), "LEFT");
        AttributeList annotation = new AttributeList();
        put(annotation, new CodeStringAttribute(GRAPHIC_LAYER), "ANNOTATION");
        annotation.put(sequence(TEXT_OBJECT_SEQUENCE, text));
        return sequence(TagFromName.GraphicAnnotationSequence, annotation);
    }

    private static SequenceAttribute contentSequence() throws DicomException {
        AttributeList observer = new AttributeList();
        put(observer, new CodeStringAttribute(TagFromName.RelationshipType), "HAS OBS CONTEXT");
        put(observer, new CodeStringAttribute(TagFromName.ValueType), "PNAME");
        observer.put(sequence(TagFromName.ConceptNameCodeSequence, code("121008", "DCM", "Person Observer Name")));
        put(observer, new PersonNameAttribute(TagFromName.PersonName), CONTENT_PERSON_NAME);
        AttributeList comment = new AttributeList();
        put(comment, new CodeStringAttribute(TagFromName.RelationshipType), "CONTAINS");
        put(comment, new CodeStringAttribute(TagFromName.ValueType), "TEXT");
        comment.put(sequence(TagFromName.ConceptNameCodeSequence, code("121106", "DCM", "Comment")));
        put(comment, new UnlimitedTextAttribute(TagFromName.TextValue),
                "Consent " + CONSENT_NUMBER + " checked for " + PATIENT_A_ID);
        return sequence(TagFromName.ContentSequence, observer, comment);
    }

    /** The values a PACS replaced when it corrected the name and merged a temporary ID. */
    private static SequenceAttribute originalAttributes() throws DicomException {
        AttributeList previous = new AttributeList();
        put(previous, new PersonNameAttribute(TagFromName.PatientName), PATIENT_A_FORMER_NAME);
        put(previous, new LongStringAttribute(TagFromName.PatientID), PATIENT_A_FORMER_ID);
        AttributeList modification = new AttributeList();
        modification.put(sequence(TagFromName.ModifiedAttributesSequence, previous));
        put(modification, new DateTimeAttribute(TagFromName.AttributeModificationDateTime), MODIFICATION_DATE_TIME);
        put(modification, new LongStringAttribute(TagFromName.ModifyingSystem), "ZEBRA PACS MERGE");
        put(modification, new LongStringAttribute(TagFromName.SourceOfPreviousValues), ISSUER_OF_PATIENT_ID);
        put(modification, new CodeStringAttribute(TagFromName.ReasonForTheAttributeModification), "CORRECT");
        return sequence(TagFromName.OriginalAttributesSequence, modification);
    }

    private static AttributeList hip() throws DicomException {
        AttributeList list = radiograph(PATIENT_A, "095Y", STUDY_A2, SERIES_A2_UID, SOP_A2_UID, "HIP", "AP");
        put(list, new UniqueIdentifierAttribute(TagFromName.SOPClassUID), SOPClass.ComputedRadiographyImageStorage);
        put(list, new CodeStringAttribute(TagFromName.Modality), "CR");
        list.remove(TagFromName.PresentationIntentType);
        // Type 3 in the CR IOD: this file shows a de-identifier what it meets when the attribute is absent.
        list.remove(TagFromName.BurnedInAnnotation);
        putPatientAOtherIds(list);
        put(list, new LongStringAttribute(TagFromName.PatientAddress), PATIENT_A_ADDRESS);
        put(list, new ShortStringAttribute(TagFromName.PatientTelephoneNumbers), PATIENT_A_TELEPHONE);
        put(list, new PersonNameAttribute(TagFromName.PatientMotherBirthName), PATIENT_A_MOTHER_BIRTH_NAME);
        put(list, new LongStringAttribute(TagFromName.MilitaryRank), PATIENT_A_MILITARY_RANK);
        put(list, new LongStringAttribute(TagFromName.MedicalRecordLocator), PATIENT_A_MEDICAL_RECORD_LOCATOR);
        put(list, new LongTextAttribute(TagFromName.AdditionalPatientHistory),
                "FELL AT HOME, LIVES WITH DAUGHTER " + PATIENT_A_DAUGHTER + " ZEBRAFINCH");
        put(list, new LongStringAttribute(TagFromName.AdmittingDiagnosesDescription),
                "FRACTURED NECK OF FEMUR - ZEBRAFINCH " + PATIENT_A_ID);
        put(list, new LongTextAttribute(TagFromName.PatientComments),
                "Daughter contact " + PATIENT_A_DAUGHTER_TELEPHONE);
        put(list, new PersonNameAttribute(TagFromName.RequestingPhysician), REQUESTING_PHYSICIAN);

        AttributeList request = new AttributeList();
        put(request, new ShortStringAttribute(TagFromName.AccessionNumber), ACCESSION_A2);
        put(request, new ShortStringAttribute(TagFromName.RequestedProcedureID), REQUESTED_PROCEDURE_ID_A2);
        put(request, new ShortStringAttribute(SCHEDULED_PROCEDURE_STEP_ID), SCHEDULED_PROCEDURE_STEP_ID_A2);
        list.put(sequence(TagFromName.RequestAttributesSequence, request));
        AttributeList scheduled = new AttributeList();
        put(scheduled, new UniqueIdentifierAttribute(TagFromName.StudyInstanceUID), STUDY_A2_UID);
        put(scheduled, new ShortStringAttribute(TagFromName.AccessionNumber), ACCESSION_A2);
        put(scheduled, new ShortStringAttribute(TagFromName.RequestedProcedureID), REQUESTED_PROCEDURE_ID_A2);
        put(scheduled, new ShortStringAttribute(SCHEDULED_PROCEDURE_STEP_ID), SCHEDULED_PROCEDURE_STEP_ID_A2);
        put(scheduled, new LongStringAttribute(TagFromName.ScheduledProcedureStepDescription), "HIP 2 VIEWS");
        put(scheduled, new DateAttribute(TagFromName.ScheduledProcedureStepStartDate), STUDY_A2_DATE);
        put(scheduled, new PersonNameAttribute(TagFromName.ScheduledPerformingPhysicianName),
                SCHEDULED_PERFORMING_PHYSICIAN);
        list.put(sequence(SCHEDULED_STEP_ATTRIBUTES_SEQUENCE, scheduled));
        put(list, new ShortStringAttribute(TagFromName.PerformedProcedureStepID), PERFORMED_PROCEDURE_STEP_ID_A2);
        put(list, new DateAttribute(TagFromName.PerformedProcedureStepStartDate), STUDY_A2_DATE);
        put(list, new TimeAttribute(TagFromName.PerformedProcedureStepStartTime), "143355");
        put(list, new LongStringAttribute(TagFromName.PerformedProcedureStepDescription),
                "HIP 2V OTTOLINE ZEBRAFINCH");

        putSeriesAndContentDates(list, STUDY_A2_DATE, "143410", "143502");
        put(list, new LongStringAttribute(TagFromName.SeriesDescription), "HIP AP ZEBRAFINCH");
        put(list, new LongStringAttribute(TagFromName.ProtocolName), "HIP AP " + PATIENT_A_ID);
        put(list, new LongTextAttribute(TagFromName.ImageComments), "Zebrafinch O., hip AP, " + ACCESSION_A2);
        put(list, new PersonNameAttribute(TagFromName.PerformingPhysicianName), PERFORMING_PHYSICIAN_A);
        put(list, new PersonNameAttribute(TagFromName.OperatorsName), OPERATOR_A);
        put(list, new PersonNameAttribute(TagFromName.NameOfPhysiciansReadingStudy), READING_PHYSICIAN_A);
        put(list, new ShortStringAttribute(TagFromName.StationName), STATION_CR);
        put(list, new LongStringAttribute(TagFromName.DeviceSerialNumber), DEVICE_SERIAL_CR);
        put(list, new LongStringAttribute(TagFromName.PlateID), PLATE_ID);
        put(list, new LongStringAttribute(TagFromName.CassetteID), CASSETTE_ID);
        put(list, new LongStringAttribute(new AttributeTag(0x0019, 0x0010)), ACME_CREATOR);
        put(list, new LongStringAttribute(new AttributeTag(0x0019, 0x1001)), PATIENT_A_NAME + " " + PATIENT_A_ID);
        return list;
    }

    private static AttributeList chest() throws DicomException {
        AttributeList list = chestOfPatientB(SERIES_B1_CHEST_UID, SOP_B1_CHEST_UID);
        put(list, new CodeStringAttribute(TagFromName.BurnedInAnnotation), "NO");
        put(list, new ShortStringAttribute(TagFromName.Occupation), PATIENT_B_OCCUPATION);
        put(list, new PersonNameAttribute(TagFromName.PhysiciansOfRecord), PHYSICIAN_OF_RECORD_B);
        put(list, new LongStringAttribute(TagFromName.PlacerOrderNumberImagingServiceRequest), PLACER_ORDER_NUMBER);
        put(list, new LongStringAttribute(TagFromName.FillerOrderNumberImagingServiceRequest), FILLER_ORDER_NUMBER);
        put(list, new LongStringAttribute(TagFromName.AdmissionID), ADMISSION_ID);
        put(list, new LongTextAttribute(TagFromName.ImageComments), "Quokkawood T. " + PATIENT_B_ID + " erect");
        put(list, new UniqueIdentifierAttribute(TagFromName.FrameOfReferenceUID), FRAME_OF_REFERENCE_B1_UID);
        put(list, new LongStringAttribute(new AttributeTag(0x0019, 0x0010)), ACME_CREATOR);
        put(list, new LongStringAttribute(new AttributeTag(0x0019, 0x1001)), PATIENT_B_NAME + " " + PATIENT_B_ID);
        // A private sequence whose item holds public attributes: a copy of a prior study's header.
        AttributeList prior = new AttributeList();
        put(prior, new PersonNameAttribute(TagFromName.PatientName), PATIENT_B_NAME);
        put(prior, new LongStringAttribute(TagFromName.PatientID), PATIENT_B_ID);
        put(prior, new DateAttribute(TagFromName.StudyDate), PRIVATE_SEQUENCE_DATE);
        put(list, new LongStringAttribute(new AttributeTag(0x0029, 0x0010)), "ZEBRA PACS ARCHIVE 2");
        list.put(sequence(new AttributeTag(0x0029, 0x1010), prior));
        return list;
    }

    private static AttributeList chestWithBurnedInAnnotation() throws DicomException {
        AttributeList list = chestOfPatientB(SERIES_B1_BURNED_IN_UID, SOP_B1_BURNED_IN_UID);
        put(list, new IntegerStringAttribute(TagFromName.SeriesNumber), "2");
        put(list, new CodeStringAttribute(TagFromName.BurnedInAnnotation), "YES");
        return list;
    }

    private static AttributeList chestOfPatientB(String seriesUid, String sopUid) throws DicomException {
        AttributeList list = radiograph(PATIENT_B, AGE_67, STUDY_B1, seriesUid, sopUid, "CHEST", "PA");
        AttributeList request = new AttributeList();
        put(request, new ShortStringAttribute(TagFromName.AccessionNumber), ACCESSION_B1);
        list.put(sequence(TagFromName.RequestAttributesSequence, request));
        putSeriesAndContentDates(list, STUDY_B1_DATE, "081802", "081840");
        put(list, new LongStringAttribute(TagFromName.SeriesDescription), "CHEST PA THADDEUS");
        put(list, new LongStringAttribute(TagFromName.ProtocolName), "CHEST PA " + PATIENT_B_ID);
        put(list, new PersonNameAttribute(TagFromName.OperatorsName), OPERATOR_B);
        putDxRoom(list);
        return list;
    }

    /** Not a radiograph: built here rather than by {@link SyntheticDicom}, for its 8-bit pixels. */
    private static AttributeList ultrasound() throws DicomException {
        AttributeList list = new AttributeList();
        put(list, new CodeStringAttribute(TagFromName.SpecificCharacterSet), "ISO_IR 100");
        put(list, new CodeStringAttribute(TagFromName.ImageType), "ORIGINAL", "PRIMARY");
        put(list, new UniqueIdentifierAttribute(TagFromName.SOPClassUID), SOPClass.UltrasoundImageStorage);
        put(list, new UniqueIdentifierAttribute(TagFromName.SOPInstanceUID), SOP_B2_UID);
        put(list, new CodeStringAttribute(TagFromName.Modality), "US");
        putPatient(list, PATIENT_B, "070Y");
        putStudy(list, STUDY_B2);
        put(list, new UniqueIdentifierAttribute(TagFromName.SeriesInstanceUID), SERIES_B2_UID);
        put(list, new IntegerStringAttribute(TagFromName.SeriesNumber), "1");
        put(list, new IntegerStringAttribute(TagFromName.InstanceNumber), "1");
        putSeriesAndContentDates(list, STUDY_B2_DATE, "160455", "160512");
        put(list, new LongStringAttribute(TagFromName.SeriesDescription), "RUQ QUOKKAWOOD");
        put(list, new CodeStringAttribute(TagFromName.BodyPartExamined), "ABDOMEN");
        put(list, new PersonNameAttribute(TagFromName.OperatorsName), OPERATOR_B);
        put(list, new LongStringAttribute(TagFromName.Manufacturer), MANUFACTURER);
        put(list, new LongStringAttribute(TagFromName.ManufacturerModelName), MANUFACTURER_MODEL_NAME);
        put(list, new LongStringAttribute(TagFromName.InstitutionName), INSTITUTION_NAME);
        put(list, new ShortTextAttribute(TagFromName.InstitutionAddress), INSTITUTION_ADDRESS);
        put(list, new LongStringAttribute(TagFromName.InstitutionalDepartmentName), DEPARTMENT_NAME);
        put(list, new ShortStringAttribute(TagFromName.StationName), STATION_US);
        put(list, new LongStringAttribute(TagFromName.DeviceSerialNumber), DEVICE_SERIAL_US);
        put(list, new CodeStringAttribute(TagFromName.PatientOrientation), "");
        put(list, new CodeStringAttribute(TagFromName.LossyImageCompression), "00");
        put(list, new CodeStringAttribute(TagFromName.PhotometricInterpretation), "MONOCHROME2");
        putShort(list, TagFromName.SamplesPerPixel, 1);
        putShort(list, TagFromName.Rows, SIZE);
        putShort(list, TagFromName.Columns, SIZE);
        putShort(list, TagFromName.BitsAllocated, 8);
        putShort(list, TagFromName.BitsStored, 8);
        putShort(list, TagFromName.HighBit, 7);
        putShort(list, TagFromName.PixelRepresentation, 0);
        byte[] pixels = new byte[SIZE * SIZE];
        for (int y = 0; y < SIZE; y++) {
            for (int x = 0; x < SIZE; x++) {
                pixels[y * SIZE + x] = (byte) ((x * y) & 0xff);
            }
        }
        OtherByteAttribute pixelData = new OtherByteAttribute(TagFromName.PixelData);
        pixelData.setValues(pixels);
        list.put(pixelData);
        return list;
    }

    // ---- writing

    private static void writePart10(Path file, AttributeList list) throws IOException, DicomException {
        FileMetaInformation.addFileMetaInformation(list, TransferSyntax.ExplicitVRLittleEndian, SOURCE_AE_TITLE);
        replaceImplementationVersionName(list);
        list.write(file.toFile(), TransferSyntax.ExplicitVRLittleEndian, true, true);
    }

    /** PixelMed writes its own name and counts it in the group length, so the length is corrected too. */
    private static void replaceImplementationVersionName(AttributeList list) throws DicomException {
        Attribute pixelmed = list.get(TagFromName.ImplementationVersionName);
        ShortStringAttribute ours = new ShortStringAttribute(TagFromName.ImplementationVersionName);
        ours.addValue(IMPLEMENTATION_VERSION_NAME);
        list.put(ours);
        Attribute groupLength = list.get(TagFromName.FileMetaInformationGroupLength);
        long corrected = groupLength.getSingleLongValueOrDefault(0) + ours.getPaddedVL() - pixelmed.getPaddedVL();
        UnsignedLongAttribute length = new UnsignedLongAttribute(TagFromName.FileMetaInformationGroupLength);
        length.addValue(corrected);
        list.put(length);
    }

    // ---- PixelMed helpers



    private static void putFloats(AttributeList list, AttributeTag tag, float... values) throws DicomException {
        FloatSingleAttribute attribute = new FloatSingleAttribute(tag);
        for (float value : values) {
            attribute.addValue(value);
        }
        list.put(attribute);
    }

    private static SequenceAttribute sequence(AttributeTag tag, AttributeList... items) {
        SequenceAttribute sequence = new SequenceAttribute(tag);
        for (AttributeList item : items) {
            sequence.addItem(item);
        }
        return sequence;
    }

    private static AttributeList code(String value, String scheme, String meaning) throws DicomException {
        AttributeList code = new AttributeList();
        put(code, new ShortStringAttribute(TagFromName.CodeValue), value);
        put(code, new ShortStringAttribute(TagFromName.CodingSchemeDesignator), scheme);
        put(code, new LongStringAttribute(TagFromName.CodeMeaning), meaning);
        return code;
    }

    private static AttributeList reference(String sopInstanceUid) throws DicomException {
        AttributeList item = new AttributeList();
        put(item, new UniqueIdentifierAttribute(TagFromName.ReferencedSOPClassUID),
                SOPClass.DigitalXRayImageStorageForPresentation);
        put(item, new UniqueIdentifierAttribute(TagFromName.ReferencedSOPInstanceUID), sopInstanceUid);
        return item;
    }

    private static String string(AttributeList list, AttributeTag tag) {
        return Attribute.getSingleStringValueOrNull(list, tag);
    }

    private static byte[] ascii(String text) {
        return text.getBytes(StandardCharsets.US_ASCII);
    }

    /** PixelMed writes the bytes of a UN value as they are; a DICOM value length must be even. */
    private static byte[] evenLength(byte[] bytes) {
        if (bytes.length % 2 == 0) {
            return bytes;
        }
        byte[] padded = Arrays.copyOf(bytes, bytes.length + 1);
        padded[bytes.length] = ' ';
        return padded;
    }

    /** OW is written little endian here, so each byte pair goes into a word low byte first. */
    private static short[] littleEndianWords(byte[] bytes) {
        short[] words = new short[bytes.length / 2];
        for (int i = 0; i < words.length; i++) {
            words[i] = (short) ((bytes[2 * i] & 0xff) | (bytes[2 * i + 1] & 0xff) << 8);
        }
        return words;
    }
}
