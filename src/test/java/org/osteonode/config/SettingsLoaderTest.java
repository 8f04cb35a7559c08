package org.osteonode.config;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.io.Reader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.Properties;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class SettingsLoaderTest {
    @TempDir
    Path temp;

    @Test
    void defaultsMatchTheDesign() {
        Settings settings = SettingsLoader.load(null, Map.of());

        assertThat(settings.dicom().aeTitle()).isEqualTo("OSTEONODE");
        assertThat(settings.dicom().port()).isEqualTo(11112);
        assertThat(settings.dicom().allowedCallingAeTitles().allows("STORESCU")).isTrue();
        assertThat(settings.dicom().allowedCallingAeTitles().allows("PACS")).isTrue();
        assertThat(settings.dicom().allowedCallingAeTitles().allows("OTHER")).isFalse();
        assertThat(settings.httpPort()).isEqualTo(8080);
        assertThat(settings.dataDir()).isEqualTo(Path.of("var").toAbsolutePath());
        assertThat(settings.database().embedded()).isTrue();
        assertThat(settings.secretFile()).isEqualTo(settings.dataDir().resolve("secret.key"));
        assertThat(settings.pipeline().retryDelay()).isEqualTo(Duration.ofMillis(500));
        assertThat(settings.inference().modelDir()).isEqualTo(Path.of("model/demo").toAbsolutePath());
        assertThat(settings.inference().provider()).isEqualTo(ProviderRequest.AUTO);
        assertThat(settings.inference().batchSize()).isEqualTo(8);
    }

    @Test
    void inferenceSettingsAreTyped() {
        Settings settings = SettingsLoader.load(null, Map.of("OSTEONODE_MODEL_DIR", "/srv/models/v2",
                "OSTEONODE_INFERENCE_PROVIDER", "CUDA", "OSTEONODE_INFERENCE_BATCH_SIZE", "32"));

        assertThat(settings.inference().modelDir()).isEqualTo(Path.of("/srv/models/v2"));
        assertThat(settings.inference().provider()).isEqualTo(ProviderRequest.CUDA);
        assertThat(settings.inference().batchSize()).isEqualTo(32);
        assertThatThrownBy(() -> SettingsLoader.load(null, Map.of("OSTEONODE_INFERENCE_PROVIDER", "gpu")))
                .hasMessageContaining("osteonode.inference.provider").hasMessageContaining("auto, cuda, cpu");
        assertThatThrownBy(() -> SettingsLoader.load(null, Map.of("OSTEONODE_INFERENCE_BATCH_SIZE", "0")))
                .hasMessageContaining("osteonode.inference.batch-size").hasMessageContaining("out of range");
    }

    @Test
    void theShippedFileDocumentsExactlyTheKnownKeysWithTheirDefaults() throws IOException {
        Properties shipped = new Properties();
        try (Reader reader = Files.newBufferedReader(Path.of("conf/osteonode.properties"))) {
            shipped.load(reader);
        }
        Map<String, String> asMap = new HashMap<>();
        shipped.stringPropertyNames().forEach(k -> asMap.put(k, shipped.getProperty(k)));

        assertThat(asMap).isEqualTo(SettingsLoader.defaults());
    }

    @Test
    void fileOverridesDefaultsAndEnvironmentOverridesFile() throws IOException {
        Path file = write("osteonode.dicom.port=104\nosteonode.dicom.ae-title=RADIOLOGY\n");

        Settings settings = SettingsLoader.load(file, Map.of("OSTEONODE_DICOM_PORT", "4242", "PATH", "/bin"));

        assertThat(settings.dicom().port()).isEqualTo(4242);
        assertThat(settings.dicom().aeTitle()).isEqualTo("RADIOLOGY");
    }

    @Test
    void environmentNamesFollowTheKeys() {
        assertThat(SettingsLoader.environmentName("osteonode.dicom.allowed-calling-ae-titles"))
                .isEqualTo("OSTEONODE_DICOM_ALLOWED_CALLING_AE_TITLES");
    }

    @Test
    void unknownKeyInTheFileStopsStartUpNamingTheKey() throws IOException {
        Path file = write("osteonode.dicom.prot=104\n");

        assertThatThrownBy(() -> SettingsLoader.load(file, Map.of()))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("osteonode.dicom.prot")
                .hasMessageContaining("unknown key");
    }

    @Test
    void unknownOsteonodeEnvironmentVariableStopsStartUpNamingIt() {
        assertThatThrownBy(() -> SettingsLoader.load(null, Map.of("OSTEONODE_DICOM_PROT", "1")))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("OSTEONODE_DICOM_PROT");
    }

    @Test
    void badValuesStopStartUpNamingTheKey() {
        assertThatThrownBy(() -> SettingsLoader.load(null, Map.of("OSTEONODE_DICOM_PORT", "eleven")))
                .hasMessageContaining("osteonode.dicom.port").hasMessageContaining("not a whole number");
        assertThatThrownBy(() -> SettingsLoader.load(null, Map.of("OSTEONODE_DICOM_PORT", "70000")))
                .hasMessageContaining("osteonode.dicom.port").hasMessageContaining("out of range");
        assertThatThrownBy(() -> SettingsLoader.load(null, Map.of("OSTEONODE_DICOM_AE_TITLE", "SEVENTEEN_CHARS_XX")))
                .hasMessageContaining("osteonode.dicom.ae-title");
        assertThatThrownBy(() -> SettingsLoader.load(null, Map.of("OSTEONODE_DICOM_ALLOWED_CALLING_AE_TITLES", "A\\B")))
                .hasMessageContaining("osteonode.dicom.allowed-calling-ae-titles");
        assertThatThrownBy(() -> SettingsLoader.load(null, Map.of("OSTEONODE_DATA_DIR", "")))
                .hasMessageContaining("osteonode.data-dir");
    }

    @Test
    void tlsIsOffByDefaultAndThePlainPortCanBeTurnedOff(@org.junit.jupiter.api.io.TempDir Path dir) throws IOException {
        Settings defaults = SettingsLoader.load(null, Map.of());
        assertThat(defaults.dicom().tlsPort()).isZero();
        assertThat(defaults.tls().certificateFile()).isEmpty();
        assertThat(defaults.pacs().tls()).isFalse();

        Path certificate = Files.writeString(dir.resolve("node.crt"), "pem");
        Path key = Files.writeString(dir.resolve("node.key"), "pem");
        Settings tlsOnly = SettingsLoader.load(null, Map.of("OSTEONODE_DICOM_PORT", "", "OSTEONODE_DICOM_TLS_PORT",
                "2762", "OSTEONODE_DICOM_TLS_CERT_FILE", certificate.toString(), "OSTEONODE_DICOM_TLS_KEY_FILE",
                key.toString(), "OSTEONODE_DICOM_TLS_CLIENT_CA_FILE", certificate.toString()));
        assertThat(tlsOnly.dicom().port()).isZero();
        assertThat(tlsOnly.dicom().tlsPort()).isEqualTo(2762);
        assertThat(tlsOnly.tls().clientCaFile()).contains(certificate.toAbsolutePath());
    }

    @Test
    void tlsSettingsThatCannotWorkStopStartUpNamingTheKey(@org.junit.jupiter.api.io.TempDir Path dir) throws IOException {
        Path certificate = Files.writeString(dir.resolve("node.crt"), "pem");
        assertThatThrownBy(() -> SettingsLoader.load(null, Map.of("OSTEONODE_DICOM_PORT", "")))
                .hasMessageContaining("osteonode.dicom.port").hasMessageContaining("osteonode.dicom.tls-port");
        assertThatThrownBy(() -> SettingsLoader.load(null, Map.of("OSTEONODE_DICOM_TLS_PORT", "2762")))
                .hasMessageContaining("osteonode.dicom.tls-cert-file");
        assertThatThrownBy(() -> SettingsLoader.load(null, Map.of("OSTEONODE_DICOM_TLS_CERT_FILE",
                certificate.toString()))).hasMessageContaining("osteonode.dicom.tls-key-file");
        assertThatThrownBy(() -> SettingsLoader.load(null, Map.of("OSTEONODE_DICOM_TLS_PORT", "11112",
                "OSTEONODE_DICOM_TLS_CERT_FILE", certificate.toString(), "OSTEONODE_DICOM_TLS_KEY_FILE",
                certificate.toString()))).hasMessageContaining("same as osteonode.dicom.port");
        assertThatThrownBy(() -> SettingsLoader.load(null, Map.of("OSTEONODE_DICOM_TLS_CLIENT_CA_FILE",
                certificate.toString()))).hasMessageContaining("osteonode.dicom.tls-client-ca-file");
        assertThatThrownBy(() -> SettingsLoader.load(null, Map.of("OSTEONODE_PACS_TLS_CA_FILE",
                certificate.toString()))).hasMessageContaining("osteonode.pacs.tls is false");
        assertThatThrownBy(() -> SettingsLoader.load(null, Map.of("OSTEONODE_DICOM_TLS_CERT_FILE",
                dir.resolve("absent.crt").toString(), "OSTEONODE_DICOM_TLS_KEY_FILE", certificate.toString())))
                .hasMessageContaining("osteonode.dicom.tls-cert-file").hasMessageContaining("not a file");
    }

    @Test
    void starAllowsAnyCallingAeTitleAndEmptyRefusesAll() {
        Settings any = SettingsLoader.load(null, Map.of("OSTEONODE_DICOM_ALLOWED_CALLING_AE_TITLES", "*"));
        Settings none = SettingsLoader.load(null, Map.of("OSTEONODE_DICOM_ALLOWED_CALLING_AE_TITLES", ""));

        assertThat(any.dicom().allowedCallingAeTitles().allows("ANYONE")).isTrue();
        assertThat(none.dicom().allowedCallingAeTitles().allows("STORESCU")).isFalse();
    }

    @Test
    void databasePasswordIsNotPrinted() {
        Settings settings = SettingsLoader.load(null, Map.of("OSTEONODE_DB_PASSWORD", "hunter2"));

        assertThat(settings.toString()).doesNotContain("hunter2");
    }

    private Path write(String text) throws IOException {
        Path file = temp.resolve("osteonode.properties");
        Files.writeString(file, text);
        return file;
    }

    private static Map<String, String> cluster() {
        Map<String, String> environment = new HashMap<>();
        environment.put("OSTEONODE_CLUSTER_ENABLED", "true");
        environment.put("OSTEONODE_DB_URL", "jdbc:postgresql://db:5432/osteonode");
        environment.put("OSTEONODE_CLUSTER_KAFKA_BOOTSTRAP_SERVERS", "kafka-1:9092,kafka-2:9092");
        environment.put("OSTEONODE_CLUSTER_S3_ENDPOINT", "http://minio:9000");
        environment.put("OSTEONODE_CLUSTER_S3_PHI_BUCKET", "osteonode-phi");
        environment.put("OSTEONODE_CLUSTER_S3_DEID_BUCKET", "osteonode-deid");
        environment.put("OSTEONODE_CLUSTER_S3_ACCESS_KEY_ID", "node");
        environment.put("OSTEONODE_CLUSTER_S3_SECRET_ACCESS_KEY", "very-secret-key");
        return environment;
    }

    @Test
    void clusterModeIsOffByDefaultAndTypedWhenOn() throws IOException {
        assertThat(SettingsLoader.load(null, Map.of()).cluster().enabled()).isFalse();

        Path client = write("security.protocol=SSL\nssl.truststore.location=/etc/osteonode/kafka.p12\n");
        Map<String, String> environment = cluster();
        environment.put("OSTEONODE_CLUSTER_KAFKA_CLIENT_PROPERTIES_FILE", client.toString());
        Settings.Cluster cluster = SettingsLoader.load(null, environment).cluster();

        assertThat(cluster.enabled()).isTrue();
        assertThat(cluster.bootstrapServers()).isEqualTo("kafka-1:9092,kafka-2:9092");
        assertThat(cluster.topic()).isEqualTo("osteonode.objects");
        assertThat(cluster.s3Endpoint()).hasValue(java.net.URI.create("http://minio:9000"));
        assertThat(cluster.clientProperties()).containsEntry("security.protocol", "SSL");
        assertThat(cluster.toString()).doesNotContain("very-secret-key");
    }

    @Test
    void clusterModeIsRefusedWithTheEmbeddedDatabase() {
        Map<String, String> environment = cluster();
        environment.remove("OSTEONODE_DB_URL");

        assertThatThrownBy(() -> SettingsLoader.load(null, environment))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("osteonode.db.url")
                .hasMessageContaining("external PostgreSQL");
    }

    @Test
    void clusterModeNamesWhatIsMissingOrUnsafe() {
        for (String missing : new String[] {"OSTEONODE_CLUSTER_KAFKA_BOOTSTRAP_SERVERS",
                "OSTEONODE_CLUSTER_S3_PHI_BUCKET", "OSTEONODE_CLUSTER_S3_SECRET_ACCESS_KEY"}) {
            Map<String, String> environment = cluster();
            environment.remove(missing);
            assertThatThrownBy(() -> SettingsLoader.load(null, environment))
                    .isInstanceOf(ConfigException.class)
                    .hasMessageContaining(missing.substring("OSTEONODE_".length()).toLowerCase().replace('_', '-')
                            .replaceFirst("-", ".").replaceFirst("-", "."));
        }
        Map<String, String> oneBucket = cluster();
        oneBucket.put("OSTEONODE_CLUSTER_S3_DEID_BUCKET", "osteonode-phi");
        assertThatThrownBy(() -> SettingsLoader.load(null, oneBucket)).hasMessageContaining("must not share a bucket");
        Map<String, String> badEndpoint = cluster();
        badEndpoint.put("OSTEONODE_CLUSTER_S3_ENDPOINT", "minio:9000");
        assertThatThrownBy(() -> SettingsLoader.load(null, badEndpoint))
                .hasMessageContaining("osteonode.cluster.s3.endpoint");
    }
}
