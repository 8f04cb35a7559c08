package org.osteonode.store;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.osteonode.testing.SharedPostgres;

import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;

/** The database remembers the site secret's fingerprint its pseudonyms were made with, on a real PostgreSQL. */
class SiteSecretRecordTest {
    @TempDir
    Path temp;
    private Database database;

    @BeforeEach
    void open() throws Exception {
        database = SharedPostgres.freshDatabase(temp);
    }

    @AfterEach
    void close() {
        database.close();
    }

    @Test
    void theFirstFingerprintIsRecordedAndAnotherIsAnsweredWithTheRecordedOneUntilReplaced() throws Exception {
        SiteSecretRecord record = new SiteSecretRecord(database.dataSource());

        assertThat(record.recordOrCompare("aaaaaaaaaaaaaaaa")).as("first node").isEmpty();
        assertThat(record.recordOrCompare("aaaaaaaaaaaaaaaa")).as("the same secret again").isEmpty();
        assertThat(record.recordOrCompare("bbbbbbbbbbbbbbbb")).as("another secret")
                .contains(new SiteSecretRecord.Recorded("aaaaaaaaaaaaaaaa", null));

        record.rotatingTo("bbbbbbbbbbbbbbbb");
        assertThat(record.recordOrCompare("bbbbbbbbbbbbbbbb")).as("during a rotation")
                .contains(new SiteSecretRecord.Recorded("aaaaaaaaaaaaaaaa", "bbbbbbbbbbbbbbbb"));
        record.replace("bbbbbbbbbbbbbbbb");
        assertThat(record.recordOrCompare("bbbbbbbbbbbbbbbb")).as("after a rotation").isEmpty();
        assertThat(record.recordOrCompare("aaaaaaaaaaaaaaaa")).as("the retired secret")
                .contains(new SiteSecretRecord.Recorded("bbbbbbbbbbbbbbbb", null));
    }
}
