package org.osteonode.store;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.osteonode.deid.Pseudonymizer;
import org.osteonode.ingest.InstanceHeader;
import org.osteonode.testing.ReferencePseudonyms;
import org.osteonode.testing.SharedPostgres;
import org.osteonode.testing.SyntheticDicom;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.time.Duration;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** The index and the clinical path's state, on a real PostgreSQL: once per instance, due when complete and quiet. */
class ClinicalStudiesTest {
    private static final byte[] SECRET = "0123456789abcdef0123456789abcdef".getBytes(StandardCharsets.UTF_8);

    @TempDir
    Path temp;

    private Database database;
    private InstanceIndex index;
    private ClinicalStudies studies;
    private final Pseudonymizer pseudonymizer = new Pseudonymizer(SECRET);
    private final ReferencePseudonyms reference = new ReferencePseudonyms(SECRET);
    private final String study = SyntheticDicom.newUid();
    private final String studyKey = reference.uid(study);

    @BeforeEach
    void open() throws Exception {
        database = SharedPostgres.freshDatabase(temp);
        index = new InstanceIndex(database.dataSource(), pseudonymizer);
        studies = new ClinicalStudies(database.dataSource());
    }

    @AfterEach
    void close() {
        database.close();
    }

    @Test
    void aStudysSkippedImagesAreCountedPerReasonOnceEach() throws Exception {
        studies.skipped("sop-1", studyKey, "no-decoder");
        studies.skipped("sop-1", studyKey, "no-decoder");
        studies.skipped("sop-2", studyKey, "body-part");
        studies.skipped("sop-3", studyKey, "no-decoder");
        studies.skipped("sop-4", "another-study", "too-old");

        assertThat(studies.skips(studyKey)).containsExactly(java.util.Map.entry("body-part", 1),
                java.util.Map.entry("no-decoder", 2));
        assertThat(studies.skips("unknown")).isEmpty();
        assertThat(studies.forgetSkipsOlderThan(java.time.Duration.ofDays(7))).isZero();
        assertThat(studies.forgetSkipsOlderThan(java.time.Duration.ZERO)).isEqualTo(4);
        assertThat(studies.skips(studyKey)).isEmpty();
    }

    @Test
    void aStudyWhoseImagesMeantForTheModelAllFailedIsAnnouncedOnceWhenQuietAndComplete() throws Exception {
        java.util.Set<String> meant = java.util.Set.of("decode-failed", "no-decoder");
        String failed = seen(SyntheticDicom.newUid());
        studies.skipped(failed, studyKey, "decode-failed");
        studies.skipped("a-chest", studyKey, "body-part");
        studies.skipped("chest-only", "chest-study", "body-part");
        String scoredStudy = reference.uid(SyntheticDicom.newUid());
        studies.skipped("undecodable-beside-a-score", scoredStudy, "no-decoder");
        studies.score("scored", scoredStudy, 0.4);
        InstanceHeader unseen = header(SyntheticDicom.newUid());
        index.record(unseen, 10);

        assertThat(studies.newlyUnscored(Duration.ZERO, meant)).as("an instance of the study is still unseen")
                .isEmpty();
        index.clinicalDone(unseen);
        assertThat(studies.newlyUnscored(Duration.ofHours(1), meant)).as("not quiet yet").isEmpty();

        assertThat(studies.newlyUnscored(Duration.ZERO, meant)).as("not the chest study, not the scored one")
                .containsExactly(new ClinicalStudies.Unscored(studyKey, new java.util.TreeMap<>(java.util.Map.of(
                        "body-part", 1, "decode-failed", 1))));
        assertThat(studies.newlyUnscored(Duration.ZERO, meant)).as("once").isEmpty();
    }

    @Test
    void anInstanceIsRecordedOnceUnderKeyedPseudonymsAndAResendIsCounted() throws Exception {
        InstanceHeader header = header(SyntheticDicom.newUid());

        assertThat(index.record(header, 1234)).isTrue();
        assertThat(index.record(header, 1234)).isFalse();

        assertThat(single("select count(*) from instance")).isEqualTo("1");
        assertThat(single("select sop_instance_key || ' ' || series_key || ' ' || study_key || ' ' || patient_key "
                + "|| ' ' || times_received || ' ' || size_bytes || ' ' || modality || ' ' || calling_ae_title "
                + "|| ' ' || sop_class_uid || ' ' || transfer_syntax_uid from instance"))
                .isEqualTo(reference.uid(header.sopInstanceUid()) + " " + reference.uid(header.seriesInstanceUid()) + " "
                        + studyKey + " " + reference.patient("ISSUER", "MRN77") + " 2 1234 DX STORESCU "
                        + header.sopClassUid() + " " + header.transferSyntaxUid());
    }

    @Test
    void aResentImageIsScoredOnceAndDoesNotMakeItsReportedStudyDueAgain() throws Exception {
        String sop = seen(SyntheticDicom.newUid());

        assertThat(studies.score(sop, studyKey, 0.4)).isTrue();
        ClinicalStudies.Due due = onlyDue();
        assertThat(due).isEqualTo(new ClinicalStudies.Due(studyKey, 1, 0));
        studies.reported(due, 1);

        assertThat(studies.score(sop, studyKey, 0.9)).as("the same image again").isFalse();
        assertThat(studies.due(Duration.ZERO)).isEmpty();
        assertThat(single("select score from image_score")).isEqualTo("0.4");
        assertThat(single("select instances from clinical_study")).isEqualTo("1");
    }

    @Test
    void aLateImageMakesAReportedStudyDueForItsNextVersion() throws Exception {
        studies.score(seen(SyntheticDicom.newUid()), studyKey, 0.4);
        studies.reported(onlyDue(), 1);

        studies.score(seen(SyntheticDicom.newUid()), studyKey, 0.6);

        assertThat(onlyDue()).isEqualTo(new ClinicalStudies.Due(studyKey, 2, 1));
        assertThat(studies.reportedAndQuiet(Duration.ZERO)).isEmpty();
    }

    @Test
    void aStudyIsNotDueWhileOneOfItsInstancesIsUnseenByTheClinicalPath() throws Exception {
        studies.score(seen(SyntheticDicom.newUid()), studyKey, 0.4);
        InstanceHeader slow = header(SyntheticDicom.newUid());
        index.record(slow, 10);

        assertThat(studies.due(Duration.ZERO)).isEmpty();

        index.clinicalDone(slow);
        assertThat(studies.due(Duration.ZERO)).hasSize(1);
    }

    @Test
    void aStudyIsDueOnlyOnceItHasBeenQuietForTheStablePeriod() throws Exception {
        studies.score(seen(SyntheticDicom.newUid()), studyKey, 0.4);

        assertThat(studies.due(Duration.ofHours(1))).isEmpty();
        assertThat(studies.due(Duration.ZERO)).hasSize(1);
    }

    @Test
    void aReportedStudyIsForgottenOnlyAfterItsRetention() throws Exception {
        studies.score(seen(SyntheticDicom.newUid()), studyKey, 0.4);
        assertThat(studies.reportedAndQuiet(Duration.ZERO)).as("not reported yet").isEmpty();
        studies.reported(onlyDue(), 1);

        assertThat(studies.reportedAndQuiet(Duration.ofDays(7))).isEmpty();
        assertThat(studies.reportedAndQuiet(Duration.ZERO)).containsExactly(studyKey);
    }

    @Test
    void aStudyClaimedByOneNodeIsSkippedByAnotherUntilTheClaimEndsAndThenDueOnlyIfNotReported() throws Exception {
        ClinicalStudies otherNode = new ClinicalStudies(database.dataSource());
        studies.score(seen(SyntheticDicom.newUid()), studyKey, 0.4);

        try (ClinicalStudies.Claim claim = studies.claim(studyKey, Duration.ZERO).orElseThrow()) {
            assertThat(claim.study()).isEqualTo(new ClinicalStudies.Due(studyKey, 1, 0));
            assertThat(otherNode.claim(studyKey, Duration.ZERO)).as("skipped, not waited for").isEmpty();
        }
        try (ClinicalStudies.Claim claim = otherNode.claim(studyKey, Duration.ZERO).orElseThrow()) {
            assertThat(claim.study()).as("a claim ended without a report leaves the study due")
                    .isEqualTo(new ClinicalStudies.Due(studyKey, 1, 0));
            claim.reported(1);
        }

        assertThat(studies.claim(studyKey, Duration.ZERO)).as("reported").isEmpty();
        assertThat(single("select reported_instances || ' ' || reported_version from clinical_study"))
                .isEqualTo("1 1");
    }

    @Test
    void aClaimReadsTheStudyAgainSoThatAStaleListOfDueStudiesClaimsNothingAlreadyReported() throws Exception {
        studies.score(seen(SyntheticDicom.newUid()), studyKey, 0.4);
        List<ClinicalStudies.Due> seenByASlowNode = studies.due(Duration.ZERO);
        try (ClinicalStudies.Claim claim = studies.claim(studyKey, Duration.ZERO).orElseThrow()) {
            claim.reported(1);
        }
        studies.score(seen(SyntheticDicom.newUid()), studyKey, 0.6);

        assertThat(seenByASlowNode).containsExactly(new ClinicalStudies.Due(studyKey, 1, 0));
        assertThat(studies.claim(studyKey, Duration.ofHours(1))).as("not quiet yet").isEmpty();
        try (ClinicalStudies.Claim claim = studies.claim(studyKey, Duration.ZERO).orElseThrow()) {
            assertThat(claim.study()).as("the next version, not the stale one")
                    .isEqualTo(new ClinicalStudies.Due(studyKey, 2, 1));
        }
    }

    /** An instance of the study, indexed and seen by the clinical path; returns its SOP Instance key. */
    private String seen(String sopInstanceUid) throws Exception {
        InstanceHeader header = header(sopInstanceUid);
        index.record(header, 10);
        index.clinicalDone(header);
        return reference.uid(sopInstanceUid);
    }

    private InstanceHeader header(String sopInstanceUid) {
        return new InstanceHeader("1.2.840.10008.1.2.1", "1.2.840.10008.5.1.4.1.1.1.1", sopInstanceUid, study,
                "1.2.3.4", "MRN77", "ISSUER", "DX", "STORESCU", null);
    }

    private ClinicalStudies.Due onlyDue() throws Exception {
        List<ClinicalStudies.Due> due = studies.due(Duration.ZERO);
        assertThat(due).hasSize(1);
        return due.get(0);
    }

    private String single(String sql) throws Exception {
        try (Connection connection = database.dataSource().getConnection();
             ResultSet row = connection.createStatement().executeQuery(sql)) {
            row.next();
            return row.getString(1);
        }
    }
}
