package org.osteonode.deid;

import com.pixelmed.dicom.Attribute;
import com.pixelmed.dicom.AttributeList;
import com.pixelmed.dicom.AttributeTag;
import com.pixelmed.dicom.CodeStringAttribute;
import com.pixelmed.dicom.LongStringAttribute;
import com.pixelmed.dicom.PersonNameAttribute;
import com.pixelmed.dicom.SequenceAttribute;
import com.pixelmed.dicom.TagFromName;
import org.junit.jupiter.api.Test;
import org.osteonode.config.DeidOptions;
import org.osteonode.testing.SyntheticDicom;

import java.nio.charset.StandardCharsets;

import static org.assertj.core.api.Assertions.assertThat;

/** What an IOD requires survives de-identification as an empty or dummy value; elsewhere it goes. */
class IodRequirementsTest {
    private static final String ENHANCED_CT = "1.2.840.10008.5.1.4.1.1.2.1";
    private static final String CR = "1.2.840.10008.5.1.4.1.1.1";
    private static final String DX = "1.2.840.10008.5.1.4.1.1.1.1";
    private static final String RT_DOSE = "1.2.840.10008.5.1.4.1.1.481.2";
    private static final String SEGMENTATION = "1.2.840.10008.5.1.4.1.1.66.4";

    private final Deidentifier deidentifier = new Deidentifier(new ConfidentialityProfile(DeidOptions.defaults()),
            DeidOptions.defaults(), new Pseudonymizer("0123456789abcdef0123456789abcdef".getBytes(StandardCharsets.UTF_8)),
            new DescriptorCleaner()::clean);

    @Test
    void theTableNamesEachRequirementForItsIodsOnly() {
        assertThat(IodRequirements.instead(ENHANCED_CT, 0x00181000)).contains(ConfidentialityProfile.Action.DUMMY);
        assertThat(IodRequirements.instead(SEGMENTATION, 0x00181000)).contains(ConfidentialityProfile.Action.DUMMY);
        assertThat(IodRequirements.instead(CR, 0x00181000)).isEmpty();
        assertThat(IodRequirements.instead(DX, 0x00400555)).contains(ConfidentialityProfile.Action.EMPTY);
        assertThat(IodRequirements.instead(CR, 0x00400555)).isEmpty();
        assertThat(IodRequirements.instead(RT_DOSE, 0x00081070)).contains(ConfidentialityProfile.Action.EMPTY);
        assertThat(IodRequirements.instead(DX, 0x00081070)).isEmpty();
        assertThat(IodRequirements.instead(ENHANCED_CT, 0x00081070)).isEmpty();
        assertThat(IodRequirements.isType1Text(0x00620005)).isTrue();
        assertThat(IodRequirements.isType1Text(0x00081030)).isFalse();
    }

    @Test
    void aType1DeviceSerialNumberGetsADummyAndAType2OperatorsNameIsEmptied() throws Exception {
        AttributeList enhanced = object(ENHANCED_CT);
        put(enhanced, new LongStringAttribute(TagFromName.DeviceSerialNumber), "SN-QUIX-1");
        deidentifier.deidentify(enhanced);
        assertThat(value(enhanced, TagFromName.DeviceSerialNumber)).isEqualTo("ANONYMIZED");

        AttributeList dose = object(RT_DOSE);
        put(dose, new PersonNameAttribute(TagFromName.OperatorsName), "QUIXWORT^OPERATOR");
        deidentifier.deidentify(dose);
        assertThat(dose.get(TagFromName.OperatorsName)).isNotNull();
        assertThat(value(dose, TagFromName.OperatorsName)).isEmpty();

        AttributeList radiograph = object(CR);
        put(radiograph, new LongStringAttribute(TagFromName.DeviceSerialNumber), "SN-QUIX-2");
        put(radiograph, new PersonNameAttribute(TagFromName.OperatorsName), "QUIXWORT^OPERATOR");
        deidentifier.deidentify(radiograph);
        assertThat(radiograph.get(TagFromName.DeviceSerialNumber)).isNull();
        assertThat(radiograph.get(TagFromName.OperatorsName)).isNull();
    }

    @Test
    void aType2AcquisitionContextSequenceStaysEmptyInADigitalXRay() throws Exception {
        AttributeList dx = object(DX);
        SequenceAttribute context = new SequenceAttribute(TagFromName.AcquisitionContextSequence);
        AttributeList item = new AttributeList();
        put(item, new LongStringAttribute(TagFromName.CodeMeaning), "QUIXWORT");
        context.addItem(item);
        dx.put(context);

        deidentifier.deidentify(dx);

        assertThat(dx.get(TagFromName.AcquisitionContextSequence)).isInstanceOf(SequenceAttribute.class);
        assertThat(((SequenceAttribute) dx.get(TagFromName.AcquisitionContextSequence)).getNumberOfItems()).isZero();
    }

    @Test
    void freeTextTheTableDoesNotListIsCleanedAndATypeOneLabelLeftEmptyGetsADummy() throws Exception {
        AttributeList segmentation = object(SEGMENTATION);
        put(segmentation, new LongStringAttribute(new AttributeTag(0x3004, 0x0006)), "Dose for Quixwort plan 7"); // Dose Comment
        put(segmentation, new LongStringAttribute(new AttributeTag(0x0098, 0x0010)), "PID-QUIX-9");           // unknown tag
        put(segmentation, new PersonNameAttribute(new AttributeTag(0x0098, 0x1020)), "QUIXWORT^ANNA");         // unknown PN
        SequenceAttribute segments = new SequenceAttribute(new AttributeTag(0x0062, 0x0002));
        AttributeList segment = new AttributeList();
        put(segment, new LongStringAttribute(new AttributeTag(0x0062, 0x0005)), "Quixwort");                  // Segment Label
        put(segment, new CodeStringAttribute(new AttributeTag(0x0062, 0x0008)), "AUTOMATIC");
        segments.addItem(segment);
        segmentation.put(segments);

        deidentifier.deidentify(segmentation);

        assertThat(segmentation.get(new AttributeTag(0x3004, 0x0006))).as("nothing left of the comment").isNull();
        assertThat(segmentation.get(new AttributeTag(0x0098, 0x0010))).isNull();
        assertThat(segmentation.get(new AttributeTag(0x0098, 0x1020))).isNull();
        assertThat(value(segment, new AttributeTag(0x0062, 0x0005))).isEqualTo("ANONYMIZED");
        assertThat(value(segment, new AttributeTag(0x0062, 0x0008))).isEqualTo("AUTOMATIC");
    }

    @Test
    void aUnSequenceIsReadInTheObjectsCharacterSetEvenWhenItsNameIsOddInLength() throws Exception {
        AttributeList list = object(DX);
        put(list, new CodeStringAttribute(TagFromName.SpecificCharacterSet), "ISO_IR 13"); // 9 characters
        String planUid = "1.2.826.0.1.3680043.99.17";
        java.nio.ByteBuffer element = java.nio.ByteBuffer.allocate(8 + 26).order(java.nio.ByteOrder.LITTLE_ENDIAN);
        element.putShort((short) 0x0008).putShort((short) 0x1155).putInt(26).put((planUid + "\0").getBytes(StandardCharsets.US_ASCII));
        java.nio.ByteBuffer item = java.nio.ByteBuffer.allocate(8 + 34).order(java.nio.ByteOrder.LITTLE_ENDIAN);
        item.putShort((short) 0xFFFE).putShort((short) 0xE000).putInt(34).put(element.array());
        com.pixelmed.dicom.UnknownAttribute plan = new com.pixelmed.dicom.UnknownAttribute(new AttributeTag(0x300C, 0x0002));
        plan.setValues(item.array());
        list.put(plan);

        deidentifier.deidentify(list);

        AttributeList read = ((SequenceAttribute) list.get(new AttributeTag(0x300C, 0x0002))).getItem(0).getAttributeList();
        assertThat(value(read, TagFromName.ReferencedSOPInstanceUID)).isNotEqualTo(planUid).startsWith("2.25.");
    }

    private static AttributeList object(String sopClass) throws Exception {
        AttributeList list = SyntheticDicom.radiograph().studyDate("20240115").attributes();
        list.get(TagFromName.SOPClassUID).removeValues();
        list.get(TagFromName.SOPClassUID).addValue(sopClass);
        return list;
    }

    private static void put(AttributeList list, Attribute attribute, String value) throws Exception {
        attribute.addValue(value);
        list.put(attribute);
    }

    private static String value(AttributeList list, AttributeTag tag) {
        return Attribute.getSingleStringValueOrEmptyString(list, tag);
    }
}
