package org.osteonode.deid;

import org.osteonode.research.ResearchArchiver;
import org.osteonode.config.DeidOptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.osteonode.store.Archive;
import org.osteonode.testing.Dcmtk;
import org.osteonode.testing.PhiCorpus;
import org.osteonode.testing.SyntheticDicom;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;

import static org.assertj.core.api.Assertions.assertThat;

/** dciodvfy (dicom3tools) must report no error on a de-identified object that it did not report on the original. */
class DeidentifiedObjectsValidateIT {
    @TempDir
    Path temp;

    @Test
    void deidentificationAddsNoDciodvfyError() throws Exception {
        List<Path> originals = new ArrayList<>(PhiCorpus.write(temp.resolve("corpus")).files());
        originals.add(SyntheticDicom.radiograph().write(temp.resolve("dx.dcm")));
        originals.add(SyntheticDicom.radiograph().computedRadiography().bodyPart("HIP").write(temp.resolve("cr.dcm")));
        ResearchArchiver archiver = ResearchArchiver.create(DeidOptions.defaults(),
                new Pseudonymizer("validate-test-secret-validate-test-secret".getBytes(StandardCharsets.UTF_8)),
                new Archive(temp.resolve("out"), temp.resolve("scratch"), true), "OSTEONODE");
        int checked = 0;
        for (Path original : originals) {
            if (archiver.archive(original) instanceof ResearchArchiver.Outcome.Archived archived) {
                Set<String> added = errors(archived.file());
                added.removeAll(errors(original));
                assertThat(added).as("errors dciodvfy finds in the de-identified " + original.getFileName()).isEmpty();
                checked++;
            }
        }
        assertThat(checked).isEqualTo(6);
    }

    private static Set<String> errors(Path file) throws Exception {
        Dcmtk.Result result = Dcmtk.run(List.of("dciodvfy", file.toString()));
        Set<String> errors = new TreeSet<>();
        result.output().lines().filter(line -> line.startsWith("Error")).forEach(errors::add);
        return errors;
    }
}
