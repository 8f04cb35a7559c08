package org.osteonode;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.osteonode.testing.Dcmtk;
import org.osteonode.testing.NodeProcess;
import org.osteonode.testing.Poll;
import org.osteonode.testing.SyntheticDicom;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A study's report says which of its images the model did not see and why: a spine study of three images, one
 * scored, one of a body part not screened, one whose JPEG-LS code stream (made by dcmtk's dcmcjpls, then cut in the
 * middle of its scan) cannot be decoded, gets a report log line listing the two skipped by reason.
 */
class SkippedImagesIT {
    @TempDir
    Path temp;

    @Test
    void theReportLogLineListsTheStudysSkippedImagesByReason() throws Exception {
        String study = SyntheticDicom.newUid();
        Path scored = SyntheticDicom.radiograph().patient("MRN-SKIP-1", "SKIPPED^IMAGES").study(study).instance(1)
                .write(temp.resolve("spine.dcm"));
        Path chest = SyntheticDicom.radiograph().bodyPart("CHEST").patient("MRN-SKIP-1", "SKIPPED^IMAGES")
                .study(study).instance(2).write(temp.resolve("chest.dcm"));
        Path plain = SyntheticDicom.radiograph().patient("MRN-SKIP-1", "SKIPPED^IMAGES").study(study).instance(3)
                .write(temp.resolve("plain.dcm"));
        Path valid = temp.resolve("jpeg-ls.dcm");
        Dcmtk.Result encoded = Dcmtk.run(List.of("dcmcjpls", plain.toString(), valid.toString()));
        assertThat(encoded.exitCode()).as(encoded.output()).isZero();
        // A valid JPEG-LS image is decoded and scored now (issue 13): only a broken one is still skipped.
        Path jpegLs = temp.resolve("truncated.dcm");
        Dcmtk.Result truncated = Dcmtk.run(List.of("/usr/bin/python3", "src/test/pixels/malformed_jpegls.py",
                valid.toString(), jpegLs.toString(), "truncated"));
        assertThat(truncated.exitCode()).as(truncated.output()).isZero();

        try (NodeProcess node = new NodeProcess(temp.resolve("node")).with("osteonode.study.stable-seconds", "2")
                .start()) {
            // one association (JPEG-LS proposed beside the uncompressed syntaxes), so the study is whole at once
            assertThat(Dcmtk.storescu(node.dicomPort(), "STORESCU", List.of(scored, chest, jpegLs), "-xt").successes())
                    .isEqualTo(3);

            Poll.until(Duration.ofSeconds(60), "the study's report", () -> node.log().contains("event=report.queued"));
            String line = node.log().lines().filter(l -> l.contains("event=report.queued")).findFirst().orElseThrow();
            assertThat(line).contains("images=1").contains("skipped=2")
                    .contains("skipped_reasons=body-part:1,decode-failed:1");
            assertThat(node.metrics()).contains("osteonode_clinical_skipped_total{reason=\"decode-failed\"} 1.0")
                    .doesNotContain("reason=\"no-decoder\"");
        }
    }
}
