package org.osteonode.clinical;

import com.pixelmed.dicom.AttributeList;
import com.pixelmed.dicom.TagFromName;
import org.junit.jupiter.api.Test;
import org.osteonode.labels.BodyPart;
import org.osteonode.testing.SyntheticDicom;

import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;

class EligibilityTest {
    private static final Clock TODAY = Clock.fixed(Instant.parse("2026-12-01T10:00:00Z"), ZoneOffset.UTC);
    private final Eligibility eligibility = new Eligibility(Set.of(BodyPart.LSPINE, BodyPart.TSPINE, BodyPart.PELVIS,
            BodyPart.HIP), 30, TODAY);

    @Test
    void aStudyOlderThanTheLimitIsNotScoredAndOneWithoutADateIs() throws Exception {
        assertThat(eligibility.refusal(withStudyDate("20261101"), BodyPart.LSPINE)).as("30 days old").isEmpty();
        assertThat(eligibility.refusal(withStudyDate("20261031"), BodyPart.LSPINE)).contains("too-old");
        assertThat(eligibility.refusal(withStudyDate("20240115"), BodyPart.LSPINE)).contains("too-old");
        assertThat(eligibility.refusal(withStudyDate(""), BodyPart.LSPINE)).as("no date").isEmpty();
        assertThat(eligibility.refusal(withStudyDate("2024XX15"), BodyPart.LSPINE)).as("unreadable").isEmpty();
        assertThat(new Eligibility(Set.of(BodyPart.LSPINE), 0, TODAY).refusal(withStudyDate("19990101"),
                BodyPart.LSPINE)).as("no limit").isEmpty();
    }

    private static AttributeList withStudyDate(String date) throws Exception {
        AttributeList list = SyntheticDicom.radiograph().attributes();
        list.get(TagFromName.StudyDate).removeValues();
        if (!date.isEmpty()) {
            list.get(TagFromName.StudyDate).addValue(date);
        }
        return list;
    }

    @Test
    void crAndDxForPresentationOfAScreenedBodyPartAreEligible() throws Exception {
        assertThat(eligibility.refusal(SyntheticDicom.radiograph().attributes(), BodyPart.LSPINE)).isEmpty();
        assertThat(eligibility.refusal(SyntheticDicom.radiograph().computedRadiography().attributes(), BodyPart.HIP))
                .isEmpty();
    }

    @Test
    void otherBodyPartsModalitiesAndForProcessingImagesAreNot() throws Exception {
        assertThat(eligibility.refusal(SyntheticDicom.radiograph().attributes(), BodyPart.CHEST)).contains("body-part");
        assertThat(eligibility.refusal(SyntheticDicom.radiograph().attributes(), BodyPart.UNKNOWN)).contains("body-part");

        AttributeList ct = SyntheticDicom.radiograph().attributes();
        ct.get(TagFromName.Modality).removeValues();
        ct.get(TagFromName.Modality).addValue("CT");
        assertThat(eligibility.refusal(ct, BodyPart.LSPINE)).contains("not-cr-or-dx");

        AttributeList forProcessing = SyntheticDicom.radiograph().attributes();
        forProcessing.get(TagFromName.PresentationIntentType).removeValues();
        forProcessing.get(TagFromName.PresentationIntentType).addValue("FOR PROCESSING");
        assertThat(eligibility.refusal(forProcessing, BodyPart.LSPINE)).contains("for-processing");
    }
}
