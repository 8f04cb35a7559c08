package org.osteonode.ingest;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.osteonode.observe.Metrics;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class QuarantineTest {
    @TempDir
    Path temp;

    @Test
    void listedReleasedBackToTheSpoolAndPurged() throws Exception {
        Spool spool = new Spool(temp.resolve("spool"), 0);
        Quarantine quarantine = new Quarantine(temp.resolve("quarantine"), new Metrics());
        quarantine.put(Files.writeString(temp.resolve("1700000000000-000001.dcm"), "one"), "unparseable", "not DICOM");
        quarantine.put(Files.writeString(temp.resolve("1700000000000-000002.dcm"), "two!"), "too-large", "over 4 MiB");

        assertThat(quarantine.list()).extracting(Quarantine.Entry::name, Quarantine.Entry::reason, Quarantine.Entry::bytes)
                .containsExactly(org.assertj.core.groups.Tuple.tuple("1700000000000-000001.dcm", "unparseable", 3L),
                        org.assertj.core.groups.Tuple.tuple("1700000000000-000002.dcm", "too-large", 4L));

        Path back = quarantine.release("1700000000000-000001.dcm", spool);

        assertThat(back).hasParent(spool.dir()).hasContent("one");
        assertThat(spool.pending()).containsExactly(back);
        assertThat(quarantine.list()).extracting(Quarantine.Entry::name).containsExactly("1700000000000-000002.dcm");
        assertThat(temp.resolve("quarantine/1700000000000-000001.dcm.reason")).doesNotExist();

        assertThat(quarantine.purge(Instant.now().minusSeconds(3600))).as("nothing that old").isZero();
        assertThat(quarantine.purge(Instant.now().plusSeconds(1))).isEqualTo(1);
        try (var left = Files.list(temp.resolve("quarantine"))) {
            assertThat(left).isEmpty();
        }
    }

    @Test
    void onlyANameFromTheListCanBeReleased() throws Exception {
        Spool spool = new Spool(temp.resolve("spool"), 0);
        Quarantine quarantine = new Quarantine(temp.resolve("quarantine"), new Metrics());
        Files.writeString(temp.resolve("outside.dcm"), "not quarantined");

        assertThatThrownBy(() -> quarantine.release("../outside.dcm", spool)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> quarantine.release("missing.dcm", spool)).isInstanceOf(IllegalArgumentException.class);
        assertThat(temp.resolve("outside.dcm")).exists();
    }
}
