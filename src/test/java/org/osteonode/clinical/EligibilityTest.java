package org.osteonode.clinical;

import com.pixelmed.dicom.AttributeList;
import com.pixelmed.dicom.TagFromName;
import org.junit.jupiter.api.Test;
import org.osteonode.labels.BodyPart;
import org.osteonode.testing.SyntheticDicom;

import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;

class EligibilityTest {
    private final Eligibility eligibility = new Eligibility(Set.of(BodyPart.LSPINE, BodyPart.TSPINE, BodyPart.PELVIS,
            BodyPart.HIP));

    @Test
    void crAndDxForPresentationOfAScreenedBodyPartAreEligible() throws Exception {
        assertThat(eligibility.refusal(SyntheticDicom.radiograph().attributes(), BodyPart.LSPINE)).isNull();
        assertThat(eligibility.refusal(SyntheticDicom.radiograph().computedRadiography().attributes(), BodyPart.HIP))
                .isNull();
    }

    @Test
    void otherBodyPartsModalitiesAndForProcessingImagesAreNot() throws Exception {
        assertThat(eligibility.refusal(SyntheticDicom.radiograph().attributes(), BodyPart.CHEST)).isEqualTo("body-part");
        assertThat(eligibility.refusal(SyntheticDicom.radiograph().attributes(), BodyPart.UNKNOWN)).isEqualTo("body-part");

        AttributeList ct = SyntheticDicom.radiograph().attributes();
        ct.get(TagFromName.Modality).removeValues();
        ct.get(TagFromName.Modality).addValue("CT");
        assertThat(eligibility.refusal(ct, BodyPart.LSPINE)).isEqualTo("not-cr-or-dx");

        AttributeList forProcessing = SyntheticDicom.radiograph().attributes();
        forProcessing.get(TagFromName.PresentationIntentType).removeValues();
        forProcessing.get(TagFromName.PresentationIntentType).addValue("FOR PROCESSING");
        assertThat(eligibility.refusal(forProcessing, BodyPart.LSPINE)).isEqualTo("for-processing");
    }
}
