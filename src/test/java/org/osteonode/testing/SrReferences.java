package org.osteonode.testing;

import com.pixelmed.dicom.Attribute;
import com.pixelmed.dicom.AttributeList;
import com.pixelmed.dicom.SequenceAttribute;
import com.pixelmed.dicom.TagFromName;

import java.util.ArrayList;
import java.util.List;

/** What a Structured Report says it was made from: its Current Requested Procedure Evidence Sequence. */
public final class SrReferences {
    private SrReferences() {
    }

    /** The SOP Instance UIDs of every image the report references, series by series. */
    public static List<String> referencedInstances(AttributeList report) {
        List<String> uids = new ArrayList<>();
        SequenceAttribute evidence =
                (SequenceAttribute) report.get(TagFromName.CurrentRequestedProcedureEvidenceSequence);
        for (int s = 0; s < evidence.getNumberOfItems(); s++) {
            SequenceAttribute series = (SequenceAttribute) evidence.getItem(s).getAttributeList()
                    .get(TagFromName.ReferencedSeriesSequence);
            for (int i = 0; i < series.getNumberOfItems(); i++) {
                SequenceAttribute sops = (SequenceAttribute) series.getItem(i).getAttributeList()
                        .get(TagFromName.ReferencedSOPSequence);
                for (int j = 0; j < sops.getNumberOfItems(); j++) {
                    uids.add(Attribute.getSingleStringValueOrEmptyString(sops.getItem(j).getAttributeList(),
                            TagFromName.ReferencedSOPInstanceUID).trim());
                }
            }
        }
        return uids;
    }
}
