package org.osteonode.clinical;

import com.pixelmed.dicom.AttributeList;
import com.pixelmed.dicom.DicomException;
import com.pixelmed.dicom.FileMetaInformation;
import com.pixelmed.dicom.SequenceAttribute;
import com.pixelmed.dicom.TagFromName;
import com.pixelmed.dicom.TransferSyntax;
import com.pixelmed.dicom.UniqueIdentifierAttribute;
import com.pixelmed.dicom.SOPClass;
import org.osteonode.deid.Pseudonymizer;
import org.osteonode.delivery.Outbox;
import org.osteonode.report.Codes;
import org.osteonode.report.OsteoporosisReport;
import org.osteonode.store.ClinicalStudies;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.SQLException;
import java.time.Duration;
import java.time.LocalDateTime;
import java.util.List;

/**
 * Once a study is stable (no new instance for {@code osteonode.study.stable-seconds}), its images' scores
 * become one report in the outbox. A late instance makes the study due again: the next report is a new
 * version that names the one it supersedes (Predecessor Documents Sequence).
 */
public final class StudyReporter {
    private static final Logger log = LoggerFactory.getLogger(StudyReporter.class);

    private final ClinicalStudies studies;
    private final StudyWorkspace workspace;
    private final Outbox outbox;
    private final Pseudonymizer uids;
    private final OsteoporosisReport.Algorithm algorithm;
    private final double threshold;
    private final Duration stable;
    private final Duration retention;
    private final Path scratch;
    private final String aeTitle;

    /** @param aeTitle osteonode's own AE title, the Source Application Entity Title of the reports it writes */
    public StudyReporter(ClinicalStudies studies, StudyWorkspace workspace, Outbox outbox, Pseudonymizer uids,
            OsteoporosisReport.Algorithm algorithm, double threshold, Duration stable, Duration retention,
            Path scratch, String aeTitle) {
        this.studies = studies;
        this.workspace = workspace;
        this.outbox = outbox;
        this.uids = uids;
        this.algorithm = algorithm;
        this.threshold = threshold;
        this.stable = stable;
        this.retention = retention;
        this.scratch = scratch;
        this.aeTitle = aeTitle;
    }

    /** @return how many reports were queued */
    public int reportStableStudies() throws SQLException, IOException, DicomException {
        int queued = 0;
        for (ClinicalStudies.Due candidate : studies.due(stable)) {
            // Every node sharing the database may see the study due; the one whose claim locks its row makes the
            // report, from the row as read under the lock, and queues it and marks the study reported in one
            // transaction. The item key is the second guard.
            java.util.Optional<ClinicalStudies.Claim> claimed = studies.claim(candidate.studyKey(), stable);
            if (claimed.isEmpty()) {
                continue;
            }
            try (ClinicalStudies.Claim claim = claimed.get()) {
                ClinicalStudies.Due study = claim.study();
                int version = study.reportedVersion() + 1;
                List<StudyWorkspace.ScoredImage> images = workspace.images(study.studyKey());
                StudyScore score = StudyScore.of(images.stream().map(StudyWorkspace.ScoredImage::score).toList(),
                        threshold);
                AttributeList report = OsteoporosisReport.build(new OsteoporosisReport.Result(
                        workspace.studyHeader(study.studyKey()),
                        images.stream().map(StudyWorkspace.ScoredImage::image).toList(),
                        score.probability(), score.likely(), anatomy(images), algorithm, version,
                        reportUid(study.studyKey(), version), uids.uid("sr-series|" + study.studyKey()),
                        uids.uid("sr-tracking|" + study.studyKey()), LocalDateTime.now()));
                if (version > 1) {
                    supersede(report, study.studyKey(), version - 1);
                }
                Path file = Files.createTempFile(scratch, "report-", ".dcm");
                FileMetaInformation.addFileMetaInformation(report, TransferSyntax.ExplicitVRLittleEndian, aeTitle);
                report.write(file.toFile(), TransferSyntax.ExplicitVRLittleEndian, true, true);
                claim.reported(version, connection -> outbox.enqueue(connection, "sr:" + study.studyKey() + ":"
                        + version, file));
                queued++;
                // the images of the study the model did not see, so that a site sees what each report leaves out
                java.util.SortedMap<String, Integer> skips = studies.skips(study.studyKey());
                log.info("event=report.queued study={} version={} images={} likely={} skipped={} skipped_reasons={}",
                        study.studyKey(), version, images.size(), score.likely(), total(skips), reasons(skips));
                studies.announced(study.studyKey());
            }
        }
        for (ClinicalStudies.Unscored study : studies.newlyUnscored(stable, ClinicalPath.MEANT_FOR_THE_MODEL)) {
            // No report will come for it: say so once, or the radiologist's missing help goes unnoticed. Studies
            // skipped for eligibility alone (a chest, an old study) are as designed and only counted in the metric.
            log.warn("event=study.unscored study={} skipped={} skipped_reasons={} effect=\"no report: images meant "
                    + "for the model could not be scored\"", study.studyKey(), total(study.skips()),
                    reasons(study.skips()));
        }
        return queued;
    }

    private static int total(java.util.SortedMap<String, Integer> skips) {
        return skips.values().stream().mapToInt(Integer::intValue).sum();
    }

    private static String reasons(java.util.SortedMap<String, Integer> skips) {
        return skips.isEmpty() ? "-" : skips.entrySet().stream().map(e -> e.getKey() + ":" + e.getValue())
                .collect(java.util.stream.Collectors.joining(","));
    }

    /**
     * Deletes the identified references of studies reported and quiet for {@code osteonode.clinical.retain-days}.
     * An instance arriving later still gets a new report version, of the images that arrived since.
     */
    public int forgetQuietStudies() throws SQLException, IOException {
        int forgotten = 0;
        studies.forgetSkipsOlderThan(retention);
        for (String studyKey : studies.reportedAndQuiet(retention)) {
            if (workspace.forget(studyKey)) {
                forgotten++;
            }
        }
        return forgotten;
    }

    /** The body part most of the study's images show. */
    private static Codes.Anatomy anatomy(List<StudyWorkspace.ScoredImage> images) {
        return images.stream()
                .collect(java.util.stream.Collectors.groupingBy(StudyWorkspace.ScoredImage::bodyPart,
                        java.util.stream.Collectors.counting()))
                .entrySet().stream().max(java.util.Map.Entry.comparingByValue())
                .map(entry -> Codes.Anatomy.of(entry.getKey())).orElse(null);
    }

    /** The report's SOP Instance UID: keyed on study and version, so a retried report keeps its identity. */
    private String reportUid(String studyKey, int version) {
        return uids.uid("sr|" + studyKey + "|" + version);
    }

    /** Predecessor Documents Sequence: this version replaces the previous one (PS3.3 C.17.2). */
    private void supersede(AttributeList report, String studyKey, int previousVersion) throws DicomException {
        AttributeList sop = new AttributeList();
        put(sop, TagFromName.ReferencedSOPClassUID, SOPClass.Comprehensive3DSRStorage);
        put(sop, TagFromName.ReferencedSOPInstanceUID, reportUid(studyKey, previousVersion));
        SequenceAttribute sops = new SequenceAttribute(TagFromName.ReferencedSOPSequence);
        sops.addItem(sop);
        AttributeList series = new AttributeList();
        put(series, TagFromName.SeriesInstanceUID, uids.uid("sr-series|" + studyKey));
        series.put(sops);
        SequenceAttribute seriesSequence = new SequenceAttribute(TagFromName.ReferencedSeriesSequence);
        seriesSequence.addItem(series);
        AttributeList study = new AttributeList();
        put(study, TagFromName.StudyInstanceUID,
                com.pixelmed.dicom.Attribute.getSingleStringValueOrEmptyString(report, TagFromName.StudyInstanceUID));
        study.put(seriesSequence);
        SequenceAttribute predecessors = new SequenceAttribute(TagFromName.PredecessorDocumentsSequence);
        predecessors.addItem(study);
        report.put(predecessors);
    }

    private static void put(AttributeList list, com.pixelmed.dicom.AttributeTag tag, String uid) throws DicomException {
        UniqueIdentifierAttribute attribute = new UniqueIdentifierAttribute(tag);
        attribute.addValue(uid);
        list.put(attribute);
    }
}
