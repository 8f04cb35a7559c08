package org.osteonode.clinical;

import com.pixelmed.dicom.Attribute;
import com.pixelmed.dicom.AttributeList;
import com.pixelmed.dicom.DicomInputStream;
import com.pixelmed.dicom.TagFromName;
import org.osteonode.deid.Pseudonymizer;
import org.osteonode.labels.BodyPart;
import org.osteonode.labels.BodyPartNormalizer;
import org.osteonode.labels.LabelExtractor;
import org.osteonode.report.OsteoporosisReport;
import org.osteonode.store.ClinicalStudies;

import java.io.BufferedInputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;

/**
 * The clinical path for one received object: is it an eligible spine or hip radiograph; if so, its score,
 * kept for the study's report (references in the workspace, the score in PostgreSQL).
 */
public final class ClinicalPath {
    private final Eligibility eligibility;
    private final BodyPartNormalizer bodyParts;
    private final ImageScorer scorer;
    private final ClinicalStudies studies;
    private final StudyWorkspace workspace;
    private final Pseudonymizer pseudonymizer;

    public ClinicalPath(Eligibility eligibility, BodyPartNormalizer bodyParts, ImageScorer scorer,
            ClinicalStudies studies, StudyWorkspace workspace, Pseudonymizer pseudonymizer) {
        this.eligibility = eligibility;
        this.bodyParts = bodyParts;
        this.scorer = scorer;
        this.studies = studies;
        this.workspace = workspace;
        this.pseudonymizer = pseudonymizer;
    }

    /** What became of one object on the clinical path. */
    public sealed interface Outcome {
        /** Scored; its score waits for the study's report. */
        record Scored(double score) implements Outcome {
        }

        /** Not for the model; {@code reason} is the metric tag (docs/clinical.md). */
        record Skipped(String reason) implements Outcome {
        }
    }

    public Outcome process(Path file) throws Exception {
        AttributeList header = new AttributeList();
        try (DicomInputStream in = new DicomInputStream(new BufferedInputStream(Files.newInputStream(file)))) {
            header.read(in, TagFromName.PixelData);
        }
        BodyPart bodyPart = bodyParts.normalize(LabelExtractor.hints(header)).bodyPart();
        Optional<String> refusal = eligibility.refusal(header, bodyPart);
        if (refusal.isPresent()) {
            return new Outcome.Skipped(refusal.get());
        }
        double score = scorer.score(file);
        String studyKey = pseudonymizer.uid(value(header, TagFromName.StudyInstanceUID));
        String sopKey = pseudonymizer.uid(value(header, TagFromName.SOPInstanceUID));
        workspace.add(studyKey, sopKey, header, new StudyWorkspace.ScoredImage(new OsteoporosisReport.SourceImage(
                value(header, TagFromName.SOPClassUID), value(header, TagFromName.SOPInstanceUID),
                value(header, TagFromName.SeriesInstanceUID)), score, bodyPart));
        studies.score(sopKey, studyKey, score);
        return new Outcome.Scored(score);
    }

    private static String value(AttributeList list, com.pixelmed.dicom.AttributeTag tag) {
        return Attribute.getSingleStringValueOrEmptyString(list, tag).trim();
    }
}
