package org.osteonode.clinical;

import com.pixelmed.dicom.Attribute;
import com.pixelmed.dicom.AttributeList;
import com.pixelmed.dicom.SOPClass;
import com.pixelmed.dicom.TagFromName;
import org.osteonode.labels.BodyPart;

import java.util.Set;

/**
 * Which images the osteoporosis model may see: CR, or DX for presentation (for-processing DX are raw detector
 * data the model was not made for), of a body part in {@code osteonode.clinical.body-parts}.
 */
public final class Eligibility {
    private final Set<BodyPart> bodyParts;

    public Eligibility(Set<BodyPart> bodyParts) {
        this.bodyParts = bodyParts;
    }

    /** @return null when eligible, else the reason (also the metric tag) */
    public String refusal(AttributeList header, BodyPart bodyPart) {
        String modality = Attribute.getSingleStringValueOrEmptyString(header, TagFromName.Modality).trim();
        String sopClass = Attribute.getSingleStringValueOrEmptyString(header, TagFromName.SOPClassUID).trim();
        if (!modality.equals("CR") && !modality.equals("DX")) {
            return "not-cr-or-dx";
        }
        String intent = Attribute.getSingleStringValueOrEmptyString(header, TagFromName.PresentationIntentType).trim();
        if (sopClass.equals(SOPClass.DigitalXRayImageStorageForProcessing) || intent.equals("FOR PROCESSING")) {
            return "for-processing";
        }
        if (!bodyParts.contains(bodyPart)) {
            return "body-part";
        }
        return null;
    }
}
