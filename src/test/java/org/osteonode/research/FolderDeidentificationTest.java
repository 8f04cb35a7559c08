package org.osteonode.research;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.osteonode.config.DeidOptions;
import org.osteonode.deid.Pseudonymizer;
import org.osteonode.ingest.Quarantine;
import org.osteonode.observe.Metrics;
import org.osteonode.store.Archive;
import org.osteonode.testing.SyntheticDicom;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

class FolderDeidentificationTest {
    private static final Pseudonymizer PSEUDONYMIZER =
            new Pseudonymizer("a test secret of at least thirty-two bytes".getBytes(StandardCharsets.UTF_8));

    @TempDir
    Path temp;

    @Test
    void filesSharingASopInstanceUidGiveTheSameTreeWhateverTheThreadsTiming() throws Exception {
        Path in = Files.createDirectories(temp.resolve("in"));
        String study = SyntheticDicom.newUid();
        String series = SyntheticDicom.newUid();
        String uid = SyntheticDicom.newUid();
        // z-first.dcm sorts last but is written first: path order, not arrival, decides which object is kept
        SyntheticDicom.radiograph().study(study).series(series).sopInstance(uid).size(16, 16)
                .write(in.resolve("z-first.dcm"));
        SyntheticDicom.radiograph().study(study).series(series).sopInstance(uid).size(32, 32)
                .write(in.resolve("a-kept.dcm"));
        Files.copy(in.resolve("a-kept.dcm"), in.resolve("b-copy.dcm"));
        for (int i = 0; i < 12; i++) {
            SyntheticDicom.radiograph().size(16, 16).write(in.resolve("other-" + i + ".dcm"));
        }

        Map<String, String> first = null;
        for (int run = 0; run < 4; run++) {
            Path out = temp.resolve("out" + run);
            FolderDeidentification.Summary summary = new FolderDeidentification(ResearchArchiver.create(
                    DeidOptions.defaults(), PSEUDONYMIZER, new Archive(out, temp.resolve("scratch"), false), "OSTEONODE"),
                    new Quarantine(temp.resolve("quarantine" + run), new Metrics()), 1 + run * 3)
                    .run(in, FolderDeidentification.filesUnder(in), done -> { });

            assertThat(summary.archived()).isEqualTo(13);
            assertThat(summary.again()).as("b-copy.dcm is a-kept.dcm again").isEqualTo(1);
            assertThat(summary.quarantinedByReason()).containsExactly(Map.entry("duplicate-sop-instance-uid", 1));
            assertThat(temp.resolve("quarantine" + run + "/z-first.dcm")).exists();
            Map<String, String> tree = sha256Tree(out);
            if (first == null) {
                first = tree;
            }
            assertThat(tree).isEqualTo(first);
        }
    }

    private static Map<String, String> sha256Tree(Path root) throws Exception {
        Map<String, String> tree = new TreeMap<>();
        try (Stream<Path> files = Files.walk(root)) {
            for (Path file : files.filter(Files::isRegularFile).toList()) {
                tree.put(root.relativize(file).toString(),
                        HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(Files.readAllBytes(file))));
            }
        }
        return tree;
    }
}
