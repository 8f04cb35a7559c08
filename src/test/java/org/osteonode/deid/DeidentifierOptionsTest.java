package org.osteonode.deid;

import org.osteonode.config.DeidOptions;
import com.pixelmed.dicom.Attribute;
import com.pixelmed.dicom.AttributeList;
import com.pixelmed.dicom.AttributeTag;
import com.pixelmed.dicom.LongStringAttribute;
import com.pixelmed.dicom.ShortStringAttribute;
import com.pixelmed.dicom.TagFromName;
import org.junit.jupiter.api.Test;
import org.osteonode.testing.SyntheticDicom;

import java.nio.charset.StandardCharsets;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;

/** Each option of osteonode.deid.* switches what Table E.1-1 says it switches. */
class DeidentifierOptionsTest {
    private static final Pseudonymizer PSEUDONYMIZER =
            new Pseudonymizer("options-test-secret-options-test-secret".getBytes(StandardCharsets.UTF_8));
    private static final AttributeTag PRIVATE_CREATOR = new AttributeTag(0x0019, 0x0010);
    private static final AttributeTag PRIVATE_VALUE = new AttributeTag(0x0019, 0x1001);

    @Test
    void withEveryOptionOffOnlyTheBasicProfileApplies() throws Exception {
        AttributeList list = deidentify(options(false, false, false, false, false, false, false));

        assertThat(list.get(TagFromName.PatientAge)).isNull();
        assertThat(value(list, TagFromName.PatientSex)).isEmpty();
        assertThat(value(list, TagFromName.StudyDate)).isEmpty();
        assertThat(list.get(TagFromName.StudyDescription)).isNull();
        assertThat(list.get(TagFromName.StationName)).isNull();
        assertThat(list.get(TagFromName.InstitutionName)).isNull();
        assertThat(list.get(PRIVATE_VALUE)).isNull();
        assertThat(value(list, TagFromName.LongitudinalTemporalInformationModified)).isEqualTo("REMOVED");
        assertThat(codes(list)).isEqualTo(1);
    }

    @Test
    void retainOptionsKeepWhatTheyName() throws Exception {
        SyntheticDicom image = SyntheticDicom.radiograph().studyDate("20240115");
        AttributeList list = image.attributes();
        addIdentities(list);

        deidentifier(options(true, true, true, true, true, true, false)).deidentify(list);

        assertThat(value(list, TagFromName.PatientAge)).isEqualTo("074Y");
        assertThat(value(list, TagFromName.StationName)).isEqualTo("XRAY1");
        assertThat(value(list, TagFromName.InstitutionName)).isEqualTo("GENERAL HOSPITAL");
        assertThat(value(list, TagFromName.SOPInstanceUID)).isEqualTo(image.sopInstanceUid());
        assertThat(value(list, TagFromName.StudyDescription)).isEqualTo("LUMBAR SPINE");
        assertThat(codes(list)).isEqualTo(7);
    }

    @Test
    void retainSafePrivateStillRemovesPrivateAttributesNotKnownToBeSafe() throws Exception {
        AttributeList list = deidentify(options(true, true, true, false, false, false, true));

        assertThat(list.get(PRIVATE_VALUE)).isNull();
    }

    @Test
    void retainSafePrivateKeepsWhatTableE3101NamesUnderItsCreatorAndNothingElse() throws Exception {
        AttributeList list = SyntheticDicom.radiograph().studyDate("20240115").attributes();
        // Philips DX image processing, safe per PS3.15 Table E.3.10-1: (2001,xx13) Unique Processing Mode
        put(list, new LongStringAttribute(new AttributeTag(0x2001, 0x0010)), "Philips Imaging DD 002");
        list.put(new com.pixelmed.dicom.SignedShortAttribute(new AttributeTag(0x2001, 0x1013)));
        list.get(new AttributeTag(0x2001, 0x1013)).addValue(3);
        // the same element byte under another creator is not safe, nor is another element of a safe creator
        put(list, new LongStringAttribute(new AttributeTag(0x2001, 0x0011)), "ACME_PRIVATE 1.0");
        put(list, new LongStringAttribute(new AttributeTag(0x2001, 0x1113)), "PID-7Q4X-0126");
        put(list, new LongStringAttribute(new AttributeTag(0x2001, 0x10F0)), "PID-7Q4X-0127");

        deidentifier(options(true, true, true, false, false, false, true)).deidentify(list);

        assertThat(list.get(new AttributeTag(0x2001, 0x1013)).getIntegerValues()).containsExactly(3);
        assertThat(value(list, new AttributeTag(0x2001, 0x0010))).isEqualTo("Philips Imaging DD 002");
        assertThat(list.get(new AttributeTag(0x2001, 0x1113))).isNull();
        assertThat(list.get(new AttributeTag(0x2001, 0x0011))).as("a creator left with nothing goes").isNull();
        assertThat(list.get(new AttributeTag(0x2001, 0x10F0))).isNull();
    }

    @Test
    void theSafePrivateListIsTheWholeTable() {
        assertThat(SafePrivateAttributes.size()).isEqualTo(479);
        assertThat(SafePrivateAttributes.isSafe("GEMS_ACQU_01", 0x0019, 0x1023)).isTrue();
        assertThat(SafePrivateAttributes.isSafe("HOLOGIC, Inc.", 0x7E01, 0x1012)).as("a quoted creator").isTrue();
        assertThat(SafePrivateAttributes.isSafe("GEMS_ACQU_01", 0x0019, 0x10FF)).isFalse();
    }

    private static AttributeList deidentify(DeidOptions options) throws Exception {
        AttributeList list = SyntheticDicom.radiograph().studyDate("20240115").attributes();
        addIdentities(list);
        deidentifier(options).deidentify(list);
        return list;
    }

    private static void addIdentities(AttributeList list) throws Exception {
        put(list, new ShortStringAttribute(TagFromName.StationName), "XRAY1");
        put(list, new LongStringAttribute(TagFromName.InstitutionName), "GENERAL HOSPITAL");
        put(list, new LongStringAttribute(TagFromName.StudyDescription), "LUMBAR SPINE SMITH 12345");
        put(list, new LongStringAttribute(PRIVATE_CREATOR), "UNKNOWN VENDOR 1.0");
        put(list, new LongStringAttribute(PRIVATE_VALUE), "SMITH^JOHN");
    }

    private static DeidOptions options(boolean patientCharacteristics, boolean dates, boolean descriptors,
            boolean device, boolean institution, boolean uids, boolean safePrivate) {
        return new DeidOptions(patientCharacteristics, dates, descriptors, device, institution, uids, safePrivate,
                Set.of(), 30);
    }

    private static Deidentifier deidentifier(DeidOptions options) {
        return new Deidentifier(new ConfidentialityProfile(options), options, PSEUDONYMIZER, new DescriptorCleaner()::clean);
    }

    private static int codes(AttributeList list) {
        return ((com.pixelmed.dicom.SequenceAttribute) list.get(TagFromName.DeidentificationMethodCodeSequence))
                .getNumberOfItems();
    }

    private static void put(AttributeList list, Attribute attribute, String value) throws Exception {
        attribute.addValue(value);
        list.put(attribute);
    }

    private static String value(AttributeList list, AttributeTag tag) {
        return Attribute.getSingleStringValueOrEmptyString(list, tag).trim();
    }
}
