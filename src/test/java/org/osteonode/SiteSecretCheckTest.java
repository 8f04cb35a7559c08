package org.osteonode;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.osteonode.config.ConfigException;
import org.osteonode.config.Settings;
import org.osteonode.config.SettingsLoader;
import org.osteonode.deid.Pseudonymizer;
import org.osteonode.store.Database;
import org.osteonode.store.SiteSecretRecord;
import org.osteonode.testing.SharedPostgres;

import java.nio.file.Path;
import java.time.Instant;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * A node starts only with the secret the database's pseudonyms were made with — or with the one a rotation cut off
 * after its file swap was moving to; never with an older secret, which would miss every opt-out recorded since.
 */
class SiteSecretCheckTest {
    @TempDir
    Path temp;
    private Database database;
    private Settings settings;
    private SiteSecretRecord record;

    @BeforeEach
    void open() throws Exception {
        database = SharedPostgres.freshDatabase(temp.resolve("db"));
        settings = SettingsLoader.load(null, Map.of("OSTEONODE_DATA_DIR", temp.resolve("node").toString()));
        java.nio.file.Files.createDirectories(settings.dataDir());
        record = new SiteSecretRecord(database.dataSource());
    }

    @AfterEach
    void close() {
        database.close();
    }

    @Test
    void aRotationCutOffAfterItsFileSwapIsFinishedByTheNodeHoldingTheNewSecret() throws Exception {
        Pseudonymizer first = Pseudonymizer.fromSecretFile(settings.secretFile());
        Node.requireTheDatabasesSecret(settings, database, first);
        // what secret rotate does, stopped before its last step
        String fresh = Pseudonymizer.newSecret();
        Pseudonymizer rotated = new Pseudonymizer(fresh.getBytes(java.nio.charset.StandardCharsets.UTF_8));
        record.rotatingTo(rotated.fingerprint());
        Pseudonymizer.rotate(settings.secretFile(), fresh, Instant.now());

        assertThatCode(() -> Node.requireTheDatabasesSecret(settings, database, rotated)).doesNotThrowAnyException();
        assertThat(record.recordOrCompare(rotated.fingerprint())).isEmpty();
    }

    @Test
    void anOlderRetiredSecretOrAnotherNewOneIsRefused() throws Exception {
        Pseudonymizer first = Pseudonymizer.fromSecretFile(settings.secretFile());
        Node.requireTheDatabasesSecret(settings, database, first);
        String second = Pseudonymizer.newSecret();
        record.rotatingTo(new Pseudonymizer(second.getBytes(java.nio.charset.StandardCharsets.UTF_8)).fingerprint());
        Pseudonymizer.rotate(settings.secretFile(), second, Instant.now());
        record.replace(Pseudonymizer.fromSecretFile(settings.secretFile()).fingerprint());

        // the database restored from before the rotation: it records the first secret, the node holds the second
        record.replace(first.fingerprint());
        assertThatThrownBy(() -> Node.requireTheDatabasesSecret(settings, database,
                Pseudonymizer.fromSecretFile(settings.secretFile())))
                .isInstanceOf(ConfigException.class).hasMessageContaining("osteonode.deid.secret-file");

        // a third secret, never announced by a rotation
        Pseudonymizer other = new Pseudonymizer(Pseudonymizer.newSecret().getBytes(java.nio.charset.StandardCharsets.UTF_8));
        assertThatThrownBy(() -> Node.requireTheDatabasesSecret(settings, database, other))
                .isInstanceOf(ConfigException.class);
    }
}
