package org.osteonode.deploy;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.yaml.snakeyaml.Yaml;

import java.io.IOException;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;
import static org.osteonode.deploy.HelmChartTest.list;
import static org.osteonode.deploy.HelmChartTest.map;

/**
 * docker/compose.cluster.yaml as Compose reads it (anchors and merge keys resolved), and the haproxy
 * configuration it mounts: no Docker engine runs where the tests run, so what can be checked is that the file
 * says what the cluster needs. YamlLintTest lints it.
 */
class ComposeFilesTest {
    private static final Path DOCKER = Path.of("docker");
    private static final List<String> NODES = List.of("osteonode-1", "osteonode-2");
    /** The osteonode.cluster.* settings of issue 14, as environment variables. */
    private static final Set<String> CLUSTER_VARIABLES = Set.of("OSTEONODE_CLUSTER_ENABLED",
            "OSTEONODE_CLUSTER_KAFKA_BOOTSTRAP_SERVERS", "OSTEONODE_CLUSTER_KAFKA_TOPIC",
            "OSTEONODE_CLUSTER_KAFKA_CLIENT_PROPERTIES_FILE", "OSTEONODE_CLUSTER_S3_ENDPOINT",
            "OSTEONODE_CLUSTER_S3_REGION", "OSTEONODE_CLUSTER_S3_PHI_BUCKET", "OSTEONODE_CLUSTER_S3_DEID_BUCKET",
            "OSTEONODE_CLUSTER_S3_ACCESS_KEY_ID", "OSTEONODE_CLUSTER_S3_SECRET_ACCESS_KEY",
            "OSTEONODE_CLUSTER_S3_SERVER_SIDE_ENCRYPTION");

    private static Map<String, Object> compose;
    private static String haproxy;

    @BeforeAll
    static void read() throws IOException {
        try (Reader in = Files.newBufferedReader(DOCKER.resolve("compose.cluster.yaml"), StandardCharsets.UTF_8)) {
            compose = map(new Yaml().load(in));
        }
        haproxy = Files.readString(DOCKER.resolve("haproxy/haproxy.cfg"), StandardCharsets.UTF_8);
    }

    @Test
    void twoOsteonodeNodesRunTheImageOfTheDockerfile() {
        List<String> built = services().entrySet().stream()
                .filter(service -> map(service.getValue()).containsKey("build"))
                .map(Map.Entry::getKey).toList();
        assertThat(built).containsExactlyElementsOf(NODES);
        for (String node : NODES) {
            assertThat(map(service(node), "build")).containsEntry("dockerfile", "docker/Dockerfile");
            assertThat(service(node)).containsEntry("image", "localhost/osteonode:demo");
        }
    }

    @Test
    void bothNodesReadTheOneSiteSecret() {
        for (String node : NODES) {
            assertThat(list(service(node), "secrets")).containsExactly("site-secret");
            assertThat(environment(node)).containsEntry("OSTEONODE_DEID_SECRET_FILE", "/run/secrets/site-secret");
        }
        assertThat(map(map(compose, "secrets"), "site-secret")).containsEntry("file", "./site-secret.key");
    }

    @Test
    void bothNodesRunInClusterModeWithTheSameKafkaBucketsAndDatabase() {
        Map<String, Object> first = environment(NODES.get(0));
        assertThat(environment(NODES.get(1))).isEqualTo(first);

        assertThat(first).containsEntry("OSTEONODE_CLUSTER_ENABLED", "true")
                .containsEntry("OSTEONODE_CLUSTER_KAFKA_BOOTSTRAP_SERVERS", "kafka:9092")
                .containsEntry("OSTEONODE_CLUSTER_S3_ENDPOINT", "http://minio:9000")
                .containsEntry("OSTEONODE_DB_URL", "jdbc:postgresql://postgres:5432/osteonode");
        assertThat(first.get("OSTEONODE_CLUSTER_S3_PHI_BUCKET")).isNotNull()
                .isNotEqualTo(first.get("OSTEONODE_CLUSTER_S3_DEID_BUCKET"));
        assertThat(first.keySet().stream().filter(name -> name.startsWith("OSTEONODE_CLUSTER_")))
                .as("only settings the node knows").isSubsetOf(CLUSTER_VARIABLES);
        assertThat((String) first.get("OSTEONODE_CLUSTER_S3_SECRET_ACCESS_KEY")).as("from the environment, not here")
                .startsWith("${");
    }

    @Test
    void eachNodeKeepsItsOwnSpoolOnAVolumeOfItsOwn() {
        List<String> dataVolumes = NODES.stream().map(node -> list(service(node), "volumes").stream()
                .map(volume -> (String) volume).filter(volume -> volume.endsWith(":/var/lib/osteonode"))
                .findFirst().orElseThrow(() -> new AssertionError(node + " mounts no data volume"))).toList();
        assertThat(dataVolumes).doesNotHaveDuplicates();
        dataVolumes.forEach(volume -> assertThat(map(compose, "volumes")).containsKey(volume.split(":")[0]));
    }

    @Test
    void theTopicAndBothBucketsTheNodesNameAreMadeBeforeTheNodesStart() {
        Map<String, Object> environment = environment(NODES.get(0));
        assertThat(list(service("kafka-topic"), "entrypoint")).containsSubsequence("--topic",
                environment.get("OSTEONODE_CLUSTER_KAFKA_TOPIC"));
        assertThat(list(service("minio-buckets"), "entrypoint").toString()).contains(
                "local/" + environment.get("OSTEONODE_CLUSTER_S3_PHI_BUCKET"),
                "local/" + environment.get("OSTEONODE_CLUSTER_S3_DEID_BUCKET"),
                "mc admin user add local " + environment.get("OSTEONODE_CLUSTER_S3_ACCESS_KEY_ID"));
        for (String node : NODES) {
            Map<String, Object> dependsOn = map(service(node), "depends_on");
            assertThat(map(dependsOn, "kafka-topic")).containsEntry("condition", "service_completed_successfully");
            assertThat(map(dependsOn, "minio-buckets")).containsEntry("condition", "service_completed_successfully");
            assertThat(map(dependsOn, "postgres")).containsEntry("condition", "service_healthy");
        }
    }

    @Test
    void haproxyBalancesDicomOverBothNodesByLeastConnectionsAndTheirHealth() {
        assertThat(haproxy).contains("balance leastconn", "option httpchk", "http-check send meth GET uri /health",
                "http-check expect status 200", "check port 8080");
        for (String node : NODES) {
            assertThat(haproxy).containsPattern("(?m)^\\s*server " + node + " " + node + ":11112\\b");
            assertThat(list(service(node), "ports")).as("DICOM reaches %s only through haproxy", node)
                    .noneMatch(port -> port.toString().contains("11112"));
        }
        assertThat(list(service("haproxy"), "volumes"))
                .contains("./haproxy/haproxy.cfg:/usr/local/etc/haproxy/haproxy.cfg:ro");
        assertThat(list(service("haproxy"), "ports")).contains("11112:11112");
    }

    @Test
    void everyPulledImageIsPinnedToAVersion() {
        services().forEach((name, service) -> {
            if (!map(service).containsKey("build")) {
                String image = (String) map(service).get("image");
                assertThat(image).as(name).isNotNull();
                String tag = image.substring(image.lastIndexOf('/') + 1);
                assertThat(tag).as("%s: %s", name, image).contains(":");
                String version = tag.substring(tag.indexOf(':') + 1);
                assertThat(version).as("%s: %s", name, image).isNotEqualTo("latest").containsPattern("[0-9]");
            }
        });
    }

    private static Map<String, Object> services() {
        return map(compose, "services");
    }

    private static Map<String, Object> service(String name) {
        return map(services(), name);
    }

    private static Map<String, Object> environment(String node) {
        return new LinkedHashMap<>(map(service(node), "environment"));
    }
}
