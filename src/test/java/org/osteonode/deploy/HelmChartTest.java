package org.osteonode.deploy;

import com.marcnuri.helm.Helm;
import com.marcnuri.helm.LintResult;
import com.marcnuri.helm.TemplateCommand;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.yaml.snakeyaml.Yaml;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.UnaryOperator;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * charts/osteonode as Helm itself sees it (helm-java runs Helm's own Go code): helm lint, and the manifests
 * helm template renders from the default values and from the chart's ci/ values files.
 */
class HelmChartTest {
    private static final Path CHART = Path.of("charts/osteonode");
    private static final String PACS_CIDR = "10.20.0.0/16";
    /** A Secret volume's defaultMode 0440: read for the owner (root) and the group (fsGroup), no one else. */
    private static final int OWNER_AND_GROUP_READ = 0440;

    private static Manifests defaults;
    private static Manifests tls;
    private static Manifests gpu;
    private static Manifests cluster;

    @BeforeAll
    static void render() {
        defaults = render(UnaryOperator.identity());
        tls = render(template -> template.withValuesFile(CHART.resolve("ci/tls-values.yaml")));
        gpu = render(template -> template.withValuesFile(CHART.resolve("ci/gpu-values.yaml")));
        cluster = renderCluster(UnaryOperator.identity());
    }

    @Test
    void helmLintInStrictModeFindsNoWarningAndNoError() {
        LintResult lint = new Helm(CHART).lint().strict().call();

        assertThat(lint.getMessages()).noneMatch(message -> message.contains("[WARNING]") || message.contains("[ERROR]"));
        assertThat(lint.isFailed()).as("helm lint --strict: %s", lint.getMessages()).isFalse();
    }

    @Test
    void thePodRunsAsTheImagesUserWithoutRootPrivilegesOrCapabilitiesOnAReadOnlyRoot() {
        for (Manifests manifests : List.of(defaults, tls, gpu, cluster)) {
            Map<String, Object> pod = manifests.podSpec();
            Map<String, Object> podSecurity = map(pod, "securityContext");
            assertThat(podSecurity).containsEntry("runAsNonRoot", true).containsEntry("runAsUser", 10001)
                    .containsEntry("fsGroup", 10001);
            assertThat(map(podSecurity, "seccompProfile")).containsEntry("type", "RuntimeDefault");

            Map<String, Object> container = manifests.container();
            Map<String, Object> security = map(container, "securityContext");
            assertThat(security).containsEntry("runAsNonRoot", true).containsEntry("readOnlyRootFilesystem", true)
                    .containsEntry("allowPrivilegeEscalation", false);
            assertThat(list(map(security, "capabilities"), "drop")).containsExactly("ALL");
            assertThat(map(security, "seccompProfile")).containsEntry("type", "RuntimeDefault");
        }
    }

    @Test
    void theDataDirectoryIsAClaimOfTheStatefulSetAndTmpAWritableEmptyDir() {
        Map<String, Object> spec = map(defaults.statefulSet(), "spec");
        assertThat(spec).containsEntry("replicas", 1);
        Map<String, Object> claim = map(list(spec, "volumeClaimTemplates").get(0));
        assertThat(map(claim, "metadata")).containsEntry("name", "data");
        assertThat(map(map(map(claim, "spec"), "resources"), "requests")).containsEntry("storage", "50Gi");

        assertThat(defaults.mountPath("data")).isEqualTo("/var/lib/osteonode");
        assertThat(defaults.mountPath("tmp")).isEqualTo("/tmp");
        assertThat(defaults.volume("tmp")).containsKey("emptyDir");
        assertThat(defaults.volume("data")).as("the data volume comes from the claim template, not the pod").isNull();
    }

    @Test
    void startupReadinessAndLivenessAskHealthOnTheHttpPort() {
        for (String probe : List.of("startupProbe", "readinessProbe", "livenessProbe")) {
            Map<String, Object> get = map(map(defaults.container(), probe), "httpGet");
            assertThat(get).as(probe).containsEntry("path", "/health").containsEntry("port", "http");
        }
        assertThat(defaults.containerPort("http")).isEqualTo(8080);
    }

    @Test
    void prometheusIsToldToScrapeMetricsOnTheHttpPort() {
        Map<String, Object> annotations = map(map(map(map(defaults.statefulSet(), "spec"), "template"), "metadata"),
                "annotations");
        assertThat(annotations).containsEntry("prometheus.io/scrape", "true").containsEntry("prometheus.io/port", "8080")
                .containsEntry("prometheus.io/path", "/metrics");
    }

    @Test
    void withoutTlsNeitherTheServiceNorThePodHasATlsPortAndNoCertificateIsMounted() {
        assertThat(defaults.servicePortNames()).containsExactly("dicom", "http");
        assertThat(defaults.containerPort("dicom-tls")).isNull();
        assertThat(defaults.mountPath("tls")).isNull();
        assertThat(defaults.volume("tls")).isNull();
        assertThat(defaults.properties()).doesNotContain("tls");
        assertThat(defaults.all("Secret")).isEmpty();
    }

    @Test
    void withTlsTheServiceHasTheTlsPortAndThePodMountsCertificateKeyAndCasReadOnly() {
        assertThat(tls.servicePortNames()).containsExactly("dicom", "dicom-tls", "http");
        assertThat(tls.servicePort("dicom-tls")).isEqualTo(2762);
        assertThat(tls.containerPort("dicom-tls")).isEqualTo(2762);

        assertThat(tls.mountPath("tls")).isEqualTo("/etc/osteonode/tls");
        assertThat(tls.mount("tls")).containsEntry("readOnly", true).doesNotContainKey("subPath");
        assertThat(map(tls.volume("tls"), "secret")).containsEntry("secretName", "osteonode-tls")
                .containsEntry("defaultMode", OWNER_AND_GROUP_READ);
        assertThat(tls.properties()).contains(
                "osteonode.dicom.tls-port=2762",
                "osteonode.dicom.tls-cert-file=/etc/osteonode/tls/tls.crt",
                "osteonode.dicom.tls-key-file=/etc/osteonode/tls/tls.key",
                "osteonode.dicom.tls-client-ca-file=/etc/osteonode/tls/ca.crt",
                "osteonode.pacs.tls=true",
                "osteonode.pacs.tls-ca-file=/etc/osteonode/tls/pacs-ca.crt");
        assertThat(tls.all("Secret")).as("both Secrets exist beforehand (existingSecret)").isEmpty();
    }

    @Test
    void theTlsSecretCanBeMadeFromValuesAndNeedsTheClientCaWhenClientsAreAuthenticated() {
        Manifests made = render(template -> template.set("tls.enabled", true).set("tls.certificate", "CERT")
                .set("tls.privateKey", "KEY").set("tls.clientCa", "CA"));
        Map<String, Object> secret = made.named("Secret", "test-osteonode-tls");
        assertThat(secret).containsEntry("type", "kubernetes.io/tls");
        assertThat(map(secret, "data")).containsOnlyKeys("tls.crt", "tls.key", "ca.crt");
        assertThat(map(made.volume("tls"), "secret")).containsEntry("secretName", "test-osteonode-tls");

        assertThatThrownBy(() -> render(template -> template.set("tls.enabled", true).set("tls.certificate", "CERT")
                .set("tls.privateKey", "KEY"))).hasMessageContaining("tls.clientCa");
    }

    @Test
    void thePlainDicomPortCanBeTurnedOffLeavingOnlyTls() {
        Manifests tlsOnly = render(template -> template.withValuesFile(CHART.resolve("ci/tls-values.yaml"))
                .set("dicom.port", ""));
        assertThat(tlsOnly.servicePortNames()).containsExactly("dicom-tls", "http");
        assertThat(tlsOnly.containerPort("dicom")).isNull();
        assertThat(tlsOnly.properties()).contains("osteonode.dicom.port=\n");
        assertThat(tlsOnly.dicomIngressPorts()).containsExactly(2762);

        assertThatThrownBy(() -> render(template -> template.set("dicom.port", "")))
                .hasMessageContaining("receive nothing");
    }

    @Test
    void theNetworkPolicyAdmitsTheDicomPortsOnlyFromThePacsCidrsAndHttpOnlyFromMonitoring() {
        Map<String, Object> dicom = tls.ingressRuleFor(11112);
        assertThat(dicom).isNotNull();
        assertThat(tls.dicomIngressPorts()).containsExactly(11112, 2762);
        assertThat(cidrs(list(dicom, "from"))).containsExactly(PACS_CIDR, "10.30.1.5/32");
        assertThat(list(dicom, "from")).allSatisfy(peer -> assertThat(map(peer)).containsOnlyKeys("ipBlock"));

        Map<String, Object> http = tls.ingressRuleFor(8080);
        assertThat(cidrs(list(http, "from"))).containsExactly("192.168.50.0/24");
        assertThat(list(http, "from").toString()).contains("kubernetes.io/metadata.name=monitoring");
        assertThat(tls.ingressRules()).as("no rule but those two").hasSize(2);
        assertThat(tls.ingressRules()).allSatisfy(rule -> assertThat(list(rule, "from")).isNotEmpty());
    }

    @Test
    void theNetworkPolicyLetsThePodOutOnlyToDnsThePacsAndTheDatabase() {
        assertThat(tls.egressPorts()).containsExactly(53, 53, 2762);
        assertThat(cidrs(list(tls.egressRuleFor(2762), "to"))).containsExactly(PACS_CIDR, "10.30.1.5/32");
        assertThat(gpu.egressPorts()).as("no PACS host").containsExactly(53, 53, 5432);
        assertThat(cidrs(list(gpu.egressRuleFor(5432), "to"))).containsExactly("10.40.0.10/32");
        assertThat(defaults.egressPorts()).as("no PACS host, no database url").containsExactly(53, 53);
        assertThat(List.of(defaults, tls, gpu)).allSatisfy(manifests -> assertThat(manifests.egressRules())
                .allSatisfy(rule -> assertThat(list(rule, "to")).isNotEmpty()));
    }

    @Test
    void withoutPacsCidrsNoDicomIngressRuleIsWrittenForARuleWithoutSourcesWouldAdmitEveryone() {
        Map<String, Object> policy = defaults.one("NetworkPolicy");
        assertThat(list(map(policy, "spec"), "policyTypes")).containsExactly("Ingress", "Egress");
        assertThat(defaults.dicomIngressPorts()).isEmpty();
        assertThat(defaults.ingressRules()).allSatisfy(rule -> assertThat(list(rule, "from")).isNotEmpty());

        assertThatThrownBy(() -> render(template -> template.set("pacs.host", "pacs.example.org")))
                .hasMessageContaining("networkPolicy.pacsCidrs");
    }

    @Test
    void aSiteSecretIsMountedReadOnlyForTheNodeAndTheOneMadeFromValuesOutlivesTheRelease() {
        assertThat(tls.mount("site-secret")).containsEntry("mountPath", "/etc/osteonode/site-secret")
                .containsEntry("readOnly", true);
        assertThat(map(tls.volume("site-secret"), "secret")).containsEntry("secretName", "osteonode-site-secret")
                .containsEntry("defaultMode", OWNER_AND_GROUP_READ);
        assertThat(tls.properties()).contains("osteonode.deid.secret-file=/etc/osteonode/site-secret/secret.key");

        Map<String, Object> made = gpu.named("Secret", "test-osteonode-site-secret");
        assertThat(map(made, "data")).containsOnlyKeys("secret.key");
        assertThat(map(map(made, "metadata"), "annotations")).containsEntry("helm.sh/resource-policy", "keep");
        assertThat(map(gpu.volume("site-secret"), "secret")).containsEntry("secretName", "test-osteonode-site-secret");

        assertThatThrownBy(() -> render(template -> template.set("siteSecret.value", "too short")))
                .hasMessageContaining("at least 32 characters");
    }

    @Test
    void withoutASiteSecretNothingIsMountedAndTheNodeKeepsItsKeyOnTheDataVolume() {
        assertThat(defaults.mount("site-secret")).isNull();
        assertThat(defaults.volume("site-secret")).isNull();
        assertThat(defaults.properties()).doesNotContain("osteonode.deid.secret-file");
    }

    @Test
    void withGpuTheGpuIsAskedForTheGpuImageRunsAndTheProviderIsCuda() {
        Map<String, Object> container = gpu.container();
        assertThat(map(map(container, "resources"), "limits")).containsEntry("nvidia.com/gpu", 1)
                .containsEntry("memory", "2Gi");
        assertThat(container.get("image")).isEqualTo("osteonode:0.1.0-gpu");
        assertThat(gpu.env("OSTEONODE_INFERENCE_PROVIDER")).isEqualTo("cuda");
        assertThat(gpu.properties()).contains("osteonode.inference.provider=cuda");
        assertThat(gpu.podSpec()).containsEntry("runtimeClassName", "nvidia");
    }

    @Test
    void withoutGpuNoGpuIsAskedForAndTheCpuImageRuns() {
        for (Manifests cpu : List.of(defaults, tls)) {
            assertThat(map(map(cpu.container(), "resources"), "limits")).doesNotContainKey("nvidia.com/gpu");
            assertThat(cpu.container().get("image")).isEqualTo("osteonode:0.1.0");
            assertThat(cpu.env("OSTEONODE_INFERENCE_PROVIDER")).isNull();
            assertThat(cpu.podSpec()).doesNotContainKey("runtimeClassName");
        }
    }

    @Test
    void anExternalDatabaseGetsItsPasswordFromItsSecretNotFromTheConfigMap() {
        assertThat(gpu.properties()).contains("osteonode.db.url=jdbc:postgresql://db.example.org:5432/osteonode",
                "osteonode.db.user=osteonode").doesNotContain("osteonode.db.password");
        Map<String, Object> password = gpu.envEntry("OSTEONODE_DB_PASSWORD");
        assertThat(map(map(password, "valueFrom"), "secretKeyRef")).containsEntry("name", "osteonode-db")
                .containsEntry("key", "password");
        assertThat(defaults.envEntry("OSTEONODE_DB_PASSWORD")).isNull();
    }

    @Test
    void aSettingTheChartOwnsCannotAlsoBeGivenUnderConfig() {
        assertThatThrownBy(() -> render(template -> template.set("config.osteonode\\.dicom\\.port", "104")))
                .hasMessageContaining("config.osteonode.dicom.port");
        Manifests extra = render(template -> template.set("config.osteonode\\.research\\.modalities", "CR"));
        assertThat(extra.properties()).contains("osteonode.research.modalities=CR\n");
    }

    @Test
    void valuesThatWouldRenderAPodThatCannotWorkAreRefusedWithWhatToChange() {
        assertThatThrownBy(() -> render(template -> template.set("terminationGracePeriodSeconds", 30)))
                .hasMessageContaining("longer than shutdownGraceSeconds");
        assertThatThrownBy(() -> render(template -> template.set("tls.enabled", true).set("tls.port", 11112)))
                .hasMessageContaining("tls.port and dicom.port are the same port");
        assertThatThrownBy(() -> render(template -> template.set("database.url", "jdbc:postgresql://db/osteonode")))
                .hasMessageContaining("database.existingSecret");
        assertThatThrownBy(() -> render(template -> template.set("database.url", "jdbc:postgresql://db/osteonode")
                .set("database.existingSecret", "osteonode-db"))).hasMessageContaining("networkPolicy.database.cidrs");
        assertThatThrownBy(() -> render(template -> template.set("pacs.tls", true)))
                .hasMessageContaining("tls.existingSecret is needed");
    }

    @Test
    void theStatefulSetGivesOpenAssociationsTimeToFinishBeforeKubernetesKillsTheNode() {
        assertThat(defaults.podSpec()).containsEntry("terminationGracePeriodSeconds", 90);
        assertThat(defaults.properties()).contains("osteonode.shutdown.grace-seconds=30\n");
    }

    @Test
    void inClusterModeEveryReplicaHasItsOwnDataClaimWhichOutlivesAScaleDown() {
        Map<String, Object> spec = map(cluster.statefulSet(), "spec");
        assertThat(spec).containsEntry("replicas", 3);
        List<Object> claims = list(spec, "volumeClaimTemplates");
        assertThat(claims).hasSize(1);
        assertThat(map(map(claims.get(0)), "metadata")).containsEntry("name", "data");
        assertThat(cluster.mountPath("data")).isEqualTo("/var/lib/osteonode");
        assertThat(cluster.volume("data")).as("no volume shared by the replicas' pods").isNull();
        assertThat(cluster.podSpec().get("volumes")).asString().doesNotContain("persistentVolumeClaim");
        assertThat(map(spec, "persistentVolumeClaimRetentionPolicy")).containsEntry("whenScaled", "Retain")
                .containsEntry("whenDeleted", "Retain");
    }

    @Test
    void inClusterModeTheConfigurationNamesKafkaAndBothBucketsAndTheSharedDatabase() {
        assertThat(cluster.properties()).contains(
                "osteonode.cluster.enabled=true\n",
                "osteonode.cluster.kafka.bootstrap-servers=kafka-0.kafka:9092,kafka-1.kafka:9092,kafka-2.kafka:9092\n",
                "osteonode.cluster.kafka.topic=osteonode.objects\n",
                "osteonode.cluster.kafka.client-properties-file=/etc/osteonode/kafka/client.properties\n",
                "osteonode.cluster.s3.endpoint=https://minio.storage:9000\n",
                "osteonode.cluster.s3.region=us-east-1\n",
                "osteonode.cluster.s3.phi-bucket=osteonode-phi\n",
                "osteonode.cluster.s3.deid-bucket=osteonode-deid\n",
                "osteonode.cluster.s3.server-side-encryption=true\n",
                "osteonode.db.url=jdbc:postgresql://db.example.org:5432/osteonode\n");
        assertThat(cluster.mount("kafka-client")).containsEntry("mountPath", "/etc/osteonode/kafka")
                .containsEntry("readOnly", true).doesNotContainKey("subPath");
        assertThat(map(cluster.volume("kafka-client"), "secret")).containsEntry("secretName", "osteonode-kafka-client")
                .containsEntry("defaultMode", OWNER_AND_GROUP_READ);
    }

    @Test
    void theS3KeysComeFromTheirSecretNeverFromTheConfigMap() {
        Map<String, String> keys = Map.of("OSTEONODE_CLUSTER_S3_ACCESS_KEY_ID", "access-key-id",
                "OSTEONODE_CLUSTER_S3_SECRET_ACCESS_KEY", "secret-access-key");
        keys.forEach((variable, key) -> assertThat(map(map(cluster.envEntry(variable), "valueFrom"), "secretKeyRef"))
                .as(variable).containsEntry("name", "osteonode-s3").containsEntry("key", key));
        assertThat(map(cluster.one("ConfigMap"), "data").toString()).doesNotContain("access-key", "secret-access");
        assertThat(cluster.all("Secret")).as("every Secret exists beforehand").isEmpty();
    }

    @Test
    void allReplicasMountTheOneSiteSecret() {
        assertThat(cluster.all("StatefulSet")).hasSize(1);
        assertThat(map(cluster.volume("site-secret"), "secret")).containsEntry("secretName", "osteonode-site-secret");
        assertThat(cluster.properties()).contains("osteonode.deid.secret-file=/etc/osteonode/site-secret/secret.key");

        Manifests made = renderCluster(template -> template.set("siteSecret.existingSecret", "")
                .set("siteSecret.value", "0123456789abcdef0123456789abcdef"));
        assertThat(made.all("Secret")).hasSize(1);
        assertThat(map(made.volume("site-secret"), "secret")).containsEntry("secretName", "test-osteonode-site-secret");
    }

    @Test
    void inClusterModeThePodMayReachKafkaAndS3AndReplicasAreSpreadOverMachines() {
        assertThat(cidrs(list(cluster.egressRuleFor(9092), "to"))).containsExactly("10.50.0.0/24");
        assertThat(cidrs(list(cluster.egressRuleFor(9000), "to"))).containsExactly("10.60.0.0/24");
        assertThat(cluster.egressPorts()).containsExactly(53, 53, 104, 5432, 9092, 9000);

        Map<String, Object> antiAffinity = map(map(cluster.podSpec(), "affinity"), "podAntiAffinity");
        Map<String, Object> term = map(map(list(antiAffinity, "preferredDuringSchedulingIgnoredDuringExecution")
                .get(0)), "podAffinityTerm");
        assertThat(term).containsEntry("topologyKey", "kubernetes.io/hostname");
        assertThat(map(map(term, "labelSelector"), "matchLabels")).containsEntry("app.kubernetes.io/instance", "test");
    }

    @Test
    void inClusterModeADrainStopsOneReplicaAtATime() {
        Map<String, Object> budget = map(cluster.one("PodDisruptionBudget"), "spec");
        assertThat(budget).containsEntry("maxUnavailable", 1);
        assertThat(map(map(budget, "selector"), "matchLabels")).containsEntry("app.kubernetes.io/name", "osteonode")
                .containsEntry("app.kubernetes.io/instance", "test");
        assertThat(defaults.all("PodDisruptionBudget")).as("one replica: a budget would block every drain").isEmpty();
    }

    @Test
    void withoutClusterModeNoClusterSettingIsWrittenForANodeThatPredatesItRefusesUnknownKeys() {
        for (Manifests single : List.of(defaults, tls, gpu)) {
            assertThat(single.properties()).doesNotContain("osteonode.cluster");
            assertThat(single.envEntry("OSTEONODE_CLUSTER_S3_SECRET_ACCESS_KEY")).isNull();
            assertThat(single.volume("kafka-client")).isNull();
            assertThat(map(single.statefulSet(), "spec")).doesNotContainKey("persistentVolumeClaimRetentionPolicy");
            assertThat(single.podSpec()).doesNotContainKey("affinity");
        }
    }

    @Test
    void withoutClusterModeASecondReplicaIsRefused() {
        assertThatThrownBy(() -> render(template -> template.set("replicaCount", 2)))
                .hasMessageContaining("replicaCount is 2 but cluster.enabled is false");
        assertThatThrownBy(() -> renderCluster(template -> template.set("cluster.enabled", false)))
                .hasMessageContaining("replicaCount is 3 but cluster.enabled is false");
        assertThatThrownBy(() -> render(template -> template.set("replicaCount", 0)))
                .hasMessageContaining("at least 1");
    }

    @Test
    void clusterModeWithTheEmbeddedDatabaseIsRefused() {
        assertThatThrownBy(() -> renderCluster(template -> template.set("database.url", "")))
                .hasMessageContaining("cluster.enabled needs an external PostgreSQL");
    }

    @Test
    void clusterModeWithoutWhatEveryReplicaMustShareIsRefusedWithWhatToSet() {
        assertThatThrownBy(() -> renderCluster(template -> template.set("cluster.kafka.bootstrapServers", "")))
                .hasMessageContaining("cluster.kafka.bootstrapServers");
        assertThatThrownBy(() -> renderCluster(template -> template.set("cluster.s3.phiBucket", "")))
                .hasMessageContaining("cluster.s3.phiBucket");
        assertThatThrownBy(() -> renderCluster(template -> template.set("cluster.s3.deidBucket", "")))
                .hasMessageContaining("cluster.s3.deidBucket");
        assertThatThrownBy(() -> renderCluster(template -> template.set("cluster.s3.deidBucket", "osteonode-phi")))
                .hasMessageContaining("the same bucket");
        assertThatThrownBy(() -> renderCluster(template -> template.set("cluster.s3.existingSecret", "")))
                .hasMessageContaining("cluster.s3.existingSecret");
        assertThatThrownBy(() -> renderCluster(template -> template.set("siteSecret.existingSecret", "")))
                .hasMessageContaining("one site Secret for every replica");
        assertThatThrownBy(() -> renderCluster(template -> template.set("networkPolicy.kafka.cidrs", "null")))
                .hasMessageContaining("networkPolicy.kafka.cidrs");
        assertThatThrownBy(() -> renderCluster(template -> template.set("networkPolicy.s3.cidrs", "null")))
                .hasMessageContaining("networkPolicy.s3.cidrs");
        assertThatThrownBy(() -> renderCluster(template -> template.set("config.osteonode\\.cluster\\.s3\\.region",
                "eu-west-1"))).hasMessageContaining("config.osteonode.cluster.s3.region");
    }

    private static Manifests renderCluster(UnaryOperator<TemplateCommand> values) {
        return render(template -> values.apply(template.withValuesFile(CHART.resolve("ci/cluster-values.yaml"))));
    }

    private static Manifests render(UnaryOperator<TemplateCommand> values) {
        String rendered = values.apply(new Helm(CHART).template().withName("test")).call();
        List<Map<String, Object>> documents = new ArrayList<>();
        for (Object document : new Yaml().loadAll(rendered)) {
            if (document != null) {
                documents.add(map(document));
            }
        }
        return new Manifests(documents);
    }

    private static List<String> cidrs(List<Object> peers) {
        return peers.stream().map(HelmChartTest::map).filter(peer -> peer.containsKey("ipBlock"))
                .map(peer -> (String) map(peer, "ipBlock").get("cidr")).toList();
    }

    @SuppressWarnings("unchecked")
    static Map<String, Object> map(Object node) {
        return (Map<String, Object>) node;
    }

    static Map<String, Object> map(Map<String, Object> node, String key) {
        assertThat(node).as("has %s", key).containsKey(key);
        return map(node.get(key));
    }

    @SuppressWarnings("unchecked")
    static List<Object> list(Map<String, Object> node, String key) {
        assertThat(node).as("has %s", key).containsKey(key);
        return (List<Object>) node.get(key);
    }

    /** The objects of one helm template run, and the parts of them the tests look at. */
    record Manifests(List<Map<String, Object>> documents) {
        List<Map<String, Object>> all(String kind) {
            return documents.stream().filter(document -> kind.equals(document.get("kind"))).toList();
        }

        Map<String, Object> one(String kind) {
            assertThat(all(kind)).as("one %s", kind).hasSize(1);
            return all(kind).get(0);
        }

        Map<String, Object> named(String kind, String name) {
            return all(kind).stream().filter(object -> name.equals(map(object, "metadata").get("name"))).findFirst()
                    .orElseThrow(() -> new AssertionError("no " + kind + " " + name + " among " + documents));
        }

        Map<String, Object> statefulSet() {
            return one("StatefulSet");
        }

        Map<String, Object> podSpec() {
            return map(map(map(statefulSet(), "spec"), "template"), "spec");
        }

        Map<String, Object> container() {
            List<Object> containers = list(podSpec(), "containers");
            assertThat(containers).hasSize(1);
            return map(containers.get(0));
        }

        Map<String, Object> volume(String name) {
            return byName(podSpec().get("volumes"), name);
        }

        Map<String, Object> mount(String name) {
            return byName(container().get("volumeMounts"), name);
        }

        String mountPath(String name) {
            Map<String, Object> mount = mount(name);
            return mount == null ? null : (String) mount.get("mountPath");
        }

        Integer containerPort(String name) {
            Map<String, Object> port = byName(container().get("ports"), name);
            return port == null ? null : (Integer) port.get("containerPort");
        }

        Map<String, Object> envEntry(String name) {
            return byName(container().get("env"), name);
        }

        String env(String name) {
            Map<String, Object> entry = envEntry(name);
            return entry == null ? null : (String) entry.get("value");
        }

        Map<String, Object> service() {
            return named("Service", "test-osteonode");
        }

        List<String> servicePortNames() {
            return list(map(service(), "spec"), "ports").stream().map(port -> (String) map(port).get("name")).toList();
        }

        Integer servicePort(String name) {
            return (Integer) byName(map(service(), "spec").get("ports"), name).get("port");
        }

        String properties() {
            return (String) map(one("ConfigMap"), "data").get("osteonode.properties");
        }

        List<Map<String, Object>> ingressRules() {
            return rules("ingress");
        }

        List<Map<String, Object>> egressRules() {
            return rules("egress");
        }

        Map<String, Object> ingressRuleFor(int port) {
            return ingressRules().stream().filter(rule -> ports(rule).contains(port)).findFirst().orElse(null);
        }

        Map<String, Object> egressRuleFor(int port) {
            return egressRules().stream().filter(rule -> ports(rule).contains(port)).findFirst().orElse(null);
        }

        /** The ports of the ingress rules that admit anything but HTTP. */
        List<Integer> dicomIngressPorts() {
            return ingressRules().stream().flatMap(rule -> ports(rule).stream()).filter(port -> port != 8080).toList();
        }

        List<Integer> egressPorts() {
            return egressRules().stream().flatMap(rule -> ports(rule).stream()).toList();
        }

        private List<Map<String, Object>> rules(String direction) {
            Object rules = map(one("NetworkPolicy"), "spec").get(direction);
            return rules == null ? List.of() : ((List<?>) rules).stream().map(HelmChartTest::map).toList();
        }

        private static List<Integer> ports(Map<String, Object> rule) {
            return list(rule, "ports").stream().map(port -> (Integer) map(port).get("port")).toList();
        }

        private static Map<String, Object> byName(Object entries, String name) {
            if (entries == null) {
                return null;
            }
            return ((List<?>) entries).stream().map(HelmChartTest::map).filter(entry -> name.equals(entry.get("name")))
                    .findFirst().orElse(null);
        }
    }
}
