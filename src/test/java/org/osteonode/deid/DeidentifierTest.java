package org.osteonode.deid;

import org.osteonode.config.DeidOptions;
import com.pixelmed.dicom.Attribute;
import com.pixelmed.dicom.AttributeList;
import com.pixelmed.dicom.AttributeTag;
import com.pixelmed.dicom.SequenceAttribute;
import com.pixelmed.dicom.TagFromName;
import org.junit.jupiter.api.Test;
import org.osteonode.testing.SyntheticDicom;

import java.nio.charset.StandardCharsets;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class DeidentifierTest {
    private static final Pseudonymizer PSEUDONYMIZER =
            new Pseudonymizer("0123456789abcdef0123456789abcdef".getBytes(StandardCharsets.UTF_8));
    private static final DeidOptions OPTIONS = DeidOptions.defaults();
    private static final ConfidentialityProfile PROFILE = new ConfidentialityProfile(OPTIONS);

    private final Deidentifier deidentifier = new Deidentifier(PROFILE, OPTIONS, PSEUDONYMIZER, text -> "");

    @Test
    void patientIsPseudonymisedAndUidsReplacedConsistently() throws Exception {
        SyntheticDicom image = SyntheticDicom.radiograph().studyDate("20240115").patient("MRN1234", "DOE^JANE");
        AttributeList list = image.attributes();

        DeidentifiedObject result = deidentifier.deidentify(list);

        String patientKey = PSEUDONYMIZER.patient("", "MRN1234");
        assertThat(value(list, TagFromName.PatientID)).isEqualTo(patientKey);
        assertThat(value(list, TagFromName.PatientName)).isEqualTo(patientKey + "^");
        assertThat(value(list, TagFromName.SOPInstanceUID)).isEqualTo(PSEUDONYMIZER.uid(image.sopInstanceUid()));
        assertThat(value(list, TagFromName.StudyInstanceUID)).isEqualTo(PSEUDONYMIZER.uid(image.studyInstanceUid()));
        assertThat(result.sopInstanceKey()).isEqualTo(value(list, TagFromName.SOPInstanceUID));
        assertThat(value(list, TagFromName.SOPClassUID)).isEqualTo("1.2.840.10008.5.1.4.1.1.1.1");
    }

    @Test
    void datesMoveBackByThePatientsShiftAndIdentifiersGo() throws Exception {
        AttributeList list = SyntheticDicom.radiograph().studyDate("20240115").patient("MRN1234", "DOE^JANE").attributes();

        DeidentifiedObject result = deidentifier.deidentify(list);

        int days = PSEUDONYMIZER.dateShiftDays("", "MRN1234", OPTIONS.maxDateShiftDays());
        assertThat(result.dateShiftDays()).isEqualTo(days).isBetween(1, OPTIONS.maxDateShiftDays());
        assertThat(value(list, TagFromName.StudyDate))
                .isEqualTo(java.time.LocalDate.of(2024, 1, 15).minusDays(days).format(java.time.format.DateTimeFormatter.BASIC_ISO_DATE));
        assertThat(value(list, TagFromName.AccessionNumber)).isEmpty();
        assertThat(value(list, TagFromName.PatientBirthDate)).isEmpty();
        assertThat(value(list, TagFromName.ReferringPhysicianName)).isEmpty();
        assertThat(value(list, TagFromName.PatientAge)).isEqualTo("074Y");
        assertThat(value(list, TagFromName.PatientSex)).isEqualTo("F");
        assertThat(value(list, TagFromName.Manufacturer)).isEqualTo("osteonode synthetic");
    }

    @Test
    void theObjectSaysHowItWasDeidentified() throws Exception {
        AttributeList list = SyntheticDicom.radiograph().studyDate("20240115").attributes();

        deidentifier.deidentify(list);

        assertThat(value(list, TagFromName.PatientIdentityRemoved)).isEqualTo("YES");
        assertThat(value(list, TagFromName.LongitudinalTemporalInformationModified)).isEqualTo("MODIFIED");
        SequenceAttribute codes = (SequenceAttribute) list.get(TagFromName.DeidentificationMethodCodeSequence);
        Set<String> values = new java.util.HashSet<>();
        for (int i = 0; i < codes.getNumberOfItems(); i++) {
            values.add(value(codes.getItem(i).getAttributeList(), TagFromName.CodeValue));
        }
        assertThat(values).containsExactlyInAnyOrder("113100", "113105", "113107", "113108");
    }

    @Test
    void burnedInAnnotationIsRefused() throws Exception {
        AttributeList list = SyntheticDicom.radiograph().studyDate("20240115").attributes();
        list.get(TagFromName.BurnedInAnnotation).removeValues();
        list.get(TagFromName.BurnedInAnnotation).addValue("YES");

        assertThatThrownBy(() -> deidentifier.deidentify(list))
                .isInstanceOf(DeidentificationRefusedException.class)
                .satisfies(e -> assertThat(((DeidentificationRefusedException) e).reason()).isEqualTo("burned-in-annotation"));
    }

    @Test
    void aSequenceStoredAsUnWithADefinedLengthIsReadAsTheSequenceItIsAndItsUidsReplaced() throws Exception {
        // As other toolkits write a sequence whose VR they did not know: UN, defined length, implicit VR inside.
        String planUid = "1.2.826.0.1.3680043.99.17"; // 25 characters: even with its NUL pad
        AttributeList list = SyntheticDicom.radiograph().studyDate("20240115").attributes();
        list.put(unknown(0x300C, 0x0002, item(element(0x0008, 0x1150, "1.2.840.10008.5.1.4.1.1.481.5\0"),
                element(0x0008, 0x1155, planUid + "\0"))));

        deidentifier.deidentify(list);

        Attribute plan = list.get(new AttributeTag(0x300C, 0x0002));
        assertThat(plan).isInstanceOf(SequenceAttribute.class);
        AttributeList item = ((SequenceAttribute) plan).getItem(0).getAttributeList();
        assertThat(value(item, TagFromName.ReferencedSOPInstanceUID)).isEqualTo(PSEUDONYMIZER.uid(planUid));
        assertThat(value(item, TagFromName.ReferencedSOPClassUID)).isEqualTo("1.2.840.10008.5.1.4.1.1.481.5");
    }

    @Test
    void aStandardAttributeStoredAsUnIsReadWithItsDictionaryVrAndDeidentified() throws Exception {
        AttributeList list = SyntheticDicom.radiograph().studyDate("20240115").attributes();
        list.remove(TagFromName.OperatorsName);
        list.put(unknown(0x0008, 0x1070, "QUIXWORT^OPERATOR".getBytes(StandardCharsets.US_ASCII)));
        list.put(unknown(0x0010, 0x1040, "1 Quixwort Lane ".getBytes(StandardCharsets.US_ASCII))); // Patient's Address

        deidentifier.deidentify(list);

        assertThat(list.get(TagFromName.OperatorsName)).isNull();
        assertThat(list.get(TagFromName.PatientAddress)).isNull();
    }

    @Test
    void aPrivateOrUnknownElementStoredAsUnIsRemovedNeverCopiedUnread() throws Exception {
        AttributeList list = SyntheticDicom.radiograph().studyDate("20240115").attributes();
        list.put(unknown(0x0029, 0x1010, "PID-7Q4X-0123".getBytes(StandardCharsets.US_ASCII)));
        list.put(unknown(0x0019, 0x0010, "ACME 1.0".getBytes(StandardCharsets.US_ASCII)));
        list.put(unknown(0x0009, 0x1001, "PID-7Q4X-0124".getBytes(StandardCharsets.US_ASCII)));

        deidentifier.deidentify(list);

        for (Attribute attribute : list.values()) {
            assertThat(attribute.getVRAsString()).as(attribute.getTag().toString()).isNotEqualTo("UN");
        }
    }

    @Test
    void anUnValueThatIsNotWhatItsTagDeclaresIsRemoved() throws Exception {
        AttributeList list = SyntheticDicom.radiograph().studyDate("20240115").attributes();
        // A "sequence" whose bytes are no items at all.
        list.put(unknown(0x300C, 0x0002, "PID-7Q4X-0125 not an item".getBytes(StandardCharsets.US_ASCII)));

        deidentifier.deidentify(list);

        assertThat(list.get(new AttributeTag(0x300C, 0x0002))).isNull();
    }

    @Test
    void screenCapturesAreRefusedByTheirSopClassWhateverTheirModalitySays() throws Exception {
        for (String sopClass : new String[] {"1.2.840.10008.5.1.4.1.1.7", "1.2.840.10008.5.1.4.1.1.7.1",
                "1.2.840.10008.5.1.4.1.1.7.2", "1.2.840.10008.5.1.4.1.1.7.3", "1.2.840.10008.5.1.4.1.1.7.4"}) {
            for (String modality : new String[] {"NM", "", "DX"}) {
                AttributeList list = SyntheticDicom.radiograph().studyDate("20240115").attributes();
                replace(list, TagFromName.SOPClassUID, sopClass);
                replace(list, TagFromName.Modality, modality);
                replace(list, TagFromName.BurnedInAnnotation, "NO");

                assertThatThrownBy(() -> deidentifier.deidentify(list)).as(sopClass + " " + modality)
                        .isInstanceOf(DeidentificationRefusedException.class)
                        .satisfies(e -> assertThat(((DeidentificationRefusedException) e).reason())
                                .isEqualTo("screen-capture"));
            }
        }
    }

    @Test
    void recognizableVisualFeaturesAreRefused() throws Exception {
        AttributeList list = SyntheticDicom.radiograph().studyDate("20240115").attributes();
        list.put(new com.pixelmed.dicom.CodeStringAttribute(TagFromName.RecognizableVisualFeatures));
        replace(list, TagFromName.RecognizableVisualFeatures, "YES");

        assertThatThrownBy(() -> deidentifier.deidentify(list))
                .isInstanceOf(DeidentificationRefusedException.class)
                .satisfies(e -> assertThat(((DeidentificationRefusedException) e).reason())
                        .isEqualTo("recognizable-visual-features"));
    }

    private static void replace(AttributeList list, AttributeTag tag, String value) throws Exception {
        Attribute attribute = list.get(tag);
        attribute.removeValues();
        if (!value.isEmpty()) {
            attribute.addValue(value);
        }
    }

    /** An element with VR UN holding {@code value} as written: PixelMed keeps such bytes unread. */
    private static com.pixelmed.dicom.UnknownAttribute unknown(int group, int element, byte[] value) throws Exception {
        byte[] even = value.length % 2 == 0 ? value : java.util.Arrays.copyOf(value, value.length + 1);
        com.pixelmed.dicom.UnknownAttribute attribute = new com.pixelmed.dicom.UnknownAttribute(new AttributeTag(group, element));
        attribute.setValues(even);
        return attribute;
    }

    /** One implicit VR little-endian data element. */
    private static byte[] element(int group, int element, String value) {
        byte[] bytes = value.getBytes(StandardCharsets.US_ASCII);
        java.nio.ByteBuffer buffer = java.nio.ByteBuffer.allocate(8 + bytes.length).order(java.nio.ByteOrder.LITTLE_ENDIAN);
        buffer.putShort((short) group).putShort((short) element).putInt(bytes.length).put(bytes);
        return buffer.array();
    }

    /** One item of defined length holding the given elements. */
    private static byte[] item(byte[]... elements) {
        int length = java.util.Arrays.stream(elements).mapToInt(e -> e.length).sum();
        java.nio.ByteBuffer buffer = java.nio.ByteBuffer.allocate(8 + length).order(java.nio.ByteOrder.LITTLE_ENDIAN);
        buffer.putShort((short) 0xFFFE).putShort((short) 0xE000).putInt(length);
        for (byte[] element : elements) {
            buffer.put(element);
        }
        return buffer.array();
    }

    private static String value(AttributeList list, AttributeTag tag) {
        return Attribute.getSingleStringValueOrEmptyString(list, tag);
    }
}
