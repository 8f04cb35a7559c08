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

    private static String value(AttributeList list, AttributeTag tag) {
        return Attribute.getSingleStringValueOrEmptyString(list, tag);
    }
}
