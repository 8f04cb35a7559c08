package org.osteonode;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.osteonode.testing.PhiCorpus;
import org.osteonode.testing.PhiScanner;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/** {@code bin/osteonode deid --in DIR --out DIR}, as a data steward runs it. */
class DeidCommandIT {
    @TempDir
    Path temp;

    @Test
    void deidentifiesAFolderRecursivelyAndSummarises() throws Exception {
        PhiCorpus corpus = PhiCorpus.write(temp.resolve("in/nested/deeper"));
        Files.writeString(temp.resolve("in/README.txt"), "not a DICOM file");
        Path out = temp.resolve("out");

        ProcessBuilder builder = new ProcessBuilder("bin/osteonode", "deid", "--in", temp.resolve("in").toString(),
                "--out", out.toString()).redirectErrorStream(true);
        builder.environment().keySet().removeIf(name -> name.startsWith("OSTEONODE_"));
        builder.environment().put("OSTEONODE_DEID_SECRET_FILE", temp.resolve("secret.key").toString());
        Process process = builder.start();
        String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);

        assertThat(process.waitFor(120, TimeUnit.SECONDS)).isTrue();
        assertThat(process.exitValue()).as(output).isZero();
        assertThat(output).contains("7 files").contains("de-identified into " + out + ": 4")
                .contains("not DICOM, ignored: 1").contains("burned-in-annotation: 1")
                // the ultrasound: outside the default research scope (CR, DX), so not even quarantined
                .contains("out-of-scope-modality: 1");
        List<Path> written;
        try (var files = Files.walk(out)) {
            written = files.filter(Files::isRegularFile)
                    .filter(p -> !out.relativize(p).startsWith(org.osteonode.store.Archive.CLAIMS)).toList();
        }
        assertThat(written).hasSize(4);
        List<String> planted = new ArrayList<>(corpus.plantedValues());
        planted.addAll(corpus.plantedUids());
        assertThat(PhiScanner.leaks(written, planted)).isEmpty();
        try (var quarantined = Files.list(temp.resolve("out-quarantine"))) {
            assertThat(quarantined.filter(p -> p.toString().endsWith(".reason"))).hasSize(1);
        }
    }
}
