package org.osteonode;

import com.pixelmed.dicom.AttributeList;
import com.pixelmed.dicom.TagFromName;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.osteonode.testing.Dcmtk;
import org.osteonode.testing.OrthancProcess;
import org.osteonode.testing.PhiCorpus;
import org.osteonode.testing.PhiScanner;
import org.osteonode.testing.Podman;
import org.osteonode.testing.Poll;
import org.osteonode.testing.Ports;
import org.osteonode.testing.SyntheticDicom;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;
import static org.osteonode.testing.SrReferences.referencedInstances;

/**
 * The container image of docker/Dockerfile as a site runs it: built with podman from a Debian 12 base made here
 * with debootstrap (no registry needed), started with a read-only root file system, a writable /tmp and its data
 * volume only, it takes a lumbar spine study from dcmtk and sends the study's Structured Report to Orthanc; it
 * answers /health and /metrics, runs as its own user, and logs none of the study's identifying values.
 *
 * <p>podman needs root: failsafe's container-image execution (pom.xml) runs this class in a JVM that keeps it.
 */
@Tag("container-image")
class ContainerImageIT {
    /** Made by debootstrap when absent, and kept: the build's layer cache stays valid across runs. */
    private static final String BASE_IMAGE = "localhost/debian:bookworm";
    /** Kept between runs too; rebuilt each run (unchanged sources make that fast, from podman's layer cache). */
    private static final String IMAGE = "localhost/osteonode:test";
    /** The Dockerfile's build stage, named so that the one a change of the sources replaces can be removed. */
    private static final String BUILD_STAGE_IMAGE = "localhost/osteonode:test-build-stage";
    private static final Path WORK = Path.of("target", "container-image");
    private static final Path CA_CERTIFICATES = Path.of("/usr/local/share/ca-certificates");

    @TempDir
    static Path temp;

    private static Podman podman;
    private static OrthancProcess orthanc;
    private static String container;
    private static final int DICOM_PORT = Ports.free();
    private static final int HTTP_PORT = Ports.free();

    @BeforeAll
    static void buildAndStartTheImage() throws Exception {
        assumeTrue(Podman.runsAsRoot(), "podman needs root: ContainerImageIT runs in failsafe's container-image"
                + " execution (pom.xml), whose test JVM keeps root");
        long start = System.nanoTime();
        podman = new Podman(WORK, WORK.resolve("logs"));
        makeTheBaseImageIfAbsent();
        long built = System.nanoTime();
        buildTheImage();
        timing("build", built);

        orthanc = new OrthancProcess(temp.resolve("orthanc")).start();
        long started = System.nanoTime();
        container = "osteonode-it-" + ProcessHandle.current().pid();
        podman.run(Duration.ofMinutes(1), "rm", "-f", "-v", container);
        podman.ok(Duration.ofMinutes(5), "run", "-d", "--name", container, "--network", "host",
                // as Kubernetes runs it with readOnlyRootFilesystem and an emptyDir on /tmp
                "--read-only", "--tmpfs", "/tmp",
                "-e", "OSTEONODE_DICOM_PORT=" + DICOM_PORT,
                "-e", "OSTEONODE_HTTP_PORT=" + HTTP_PORT,
                "-e", "OSTEONODE_PACS_HOST=127.0.0.1",
                "-e", "OSTEONODE_PACS_PORT=" + orthanc.dicomPort(),
                "-e", "OSTEONODE_PACS_AE_TITLE=" + OrthancProcess.AE_TITLE,
                "-e", "OSTEONODE_STUDY_STABLE_SECONDS=2",
                "-e", "OSTEONODE_SPOOL_MIN_FREE_MB=1",
                IMAGE);
        long[] lastLook = {0};
        Poll.until(Duration.ofMinutes(3), "the container's osteonode to report healthy", () -> {
            try {
                if (get("/health").statusCode() == 200) {
                    return true;
                }
            } catch (IOException e) {
                // not listening yet
            }
            // not ten podman processes a second on a machine of two cores: a look every two seconds
            if (System.nanoTime() - lastLook[0] > 2_000_000_000L) {
                lastLook[0] = System.nanoTime();
                if (!podman.ok(Duration.ofMinutes(1), "inspect", "--format", "{{.State.Running}}", container).strip()
                        .equals("true")) {
                    throw new AssertionError("the container stopped:\n" + logs());
                }
            }
            return false;
        });
        timing("run (start until healthy)", started);
        timing("total set-up", start);
    }

    @AfterAll
    static void removeTheContainer() throws Exception {
        try {
            if (container != null) {
                // kept for a failure in CI to be read
                Files.writeString(WORK.resolve("container.log"), logs());
                podman.run(Duration.ofMinutes(2), "rm", "-f", "-v", container);
            }
        } finally {
            if (orthanc != null) {
                orthanc.close();
            }
        }
    }

    @Test
    void aLumbarStudySentToTheContainerComesBackToThePacsAsAReportAndItsIdentifiersStayOutOfTheLogs()
            throws Exception {
        String study = SyntheticDicom.newUid();
        SyntheticDicom first = SyntheticDicom.radiograph().patient(PhiCorpus.PATIENT_A_ID, PhiCorpus.PATIENT_A_NAME)
                .born(PhiCorpus.PATIENT_A_BIRTH_DATE, "F").study(study).instance(1);
        SyntheticDicom second = SyntheticDicom.radiograph().patient(PhiCorpus.PATIENT_A_ID, PhiCorpus.PATIENT_A_NAME)
                .born(PhiCorpus.PATIENT_A_BIRTH_DATE, "F").study(study).instance(2).size(384, 256);
        // the second as JPEG-LS, which the image's dcmtk decodes in a child process under the read-only root
        Path jpegLs = temp.resolve("l2-jpeg-ls.dcm");
        Dcmtk.Result encoded = Dcmtk.run(List.of("dcmcjpls", second.write(temp.resolve("l2.dcm")).toString(),
                jpegLs.toString()));
        assertThat(encoded.exitCode()).as(encoded.output()).isZero();
        List<Path> files = List.of(first.write(temp.resolve("l1.dcm")), jpegLs);

        long sent = System.nanoTime();
        assertThat(Dcmtk.storescu(DICOM_PORT, "STORESCU", files, "-xt").successes()).isEqualTo(2);
        Poll.until(Duration.ofMinutes(2), "the study's report in Orthanc", () -> orthanc.structuredReports().stream()
                .anyMatch(r -> value(r, TagFromName.StudyInstanceUID).equals(study)));
        timing("C-STORE until the report is in Orthanc", sent);

        AttributeList report = orthanc.structuredReports().stream()
                .filter(r -> value(r, TagFromName.StudyInstanceUID).equals(study)).findFirst().orElseThrow();
        assertThat(value(report, TagFromName.PatientID)).isEqualTo(PhiCorpus.PATIENT_A_ID);
        assertThat(referencedInstances(report))
                .containsExactlyInAnyOrder(first.sopInstanceUid(), second.sopInstanceUid());
        Poll.until(Duration.ofSeconds(30), "the outbox to record it sent",
                () -> get("/metrics").body().contains("osteonode_sr_sent_total 1.0"));

        Path log = WORK.resolve("container-after-study.log");
        Files.writeString(log, logs());
        assertThat(Files.readString(log)).contains("event=node.ready").contains("event=decoder.ready")
                .contains("event=report.queued").doesNotContain("skipped_reasons=decode-failed");
        List<String> planted = List.of(PhiCorpus.PATIENT_A_ID, PhiCorpus.PATIENT_A_NAME, PhiCorpus.PATIENT_A_BIRTH_DATE,
                value(first.attributes(), TagFromName.AccessionNumber), study, first.sopInstanceUid(),
                second.sopInstanceUid());
        assertThat(PhiScanner.leaks(List.of(log), planted)).isEmpty();
    }

    @Test
    void healthAndMetricsAnswerInsideTheContainerAndTheImagesHealthCheckPasses() throws Exception {
        assertThat(exec("curl", "-fsS", "http://localhost:" + HTTP_PORT + "/health")).contains("\"status\":\"UP\"");
        assertThat(exec("curl", "-fsS", "http://localhost:" + HTTP_PORT + "/metrics"))
                .contains("osteonode_outbox_pending");
        // the image's HEALTHCHECK (docker format keeps it), run now rather than on its interval
        assertThat(podman.run(Duration.ofMinutes(1), "healthcheck", "run", container).exitCode()).isZero();
    }

    @Test
    void theNodeAndItsPostgresqlRunAsTheImagesOwnUserNotRoot() throws Exception {
        assertThat(exec("id", "-u").strip()).isNotEqualTo("0").isEqualTo("10001");
        String processes = podman.ok(Duration.ofMinutes(1), "top", container, "user", "args");
        List<String> java = processes.lines().filter(l -> l.contains("org.osteonode.cli.Main") && l.contains("java"))
                .filter(l -> !l.contains("tini")).toList();
        assertThat(java).as(processes).hasSize(1);
        assertThat(java.get(0).split("\\s+")[0]).isEqualTo("osteonode");
        List<String> postgres = processes.lines().filter(l -> l.contains("/usr/lib/postgresql/")).toList();
        assertThat(postgres).as(processes).hasSize(1);
        assertThat(postgres.get(0).split("\\s+")[0]).isEqualTo("osteonode");
    }

    private static void makeTheBaseImageIfAbsent() throws Exception {
        if (podman.imageExists(BASE_IMAGE)) {
            System.out.println("container-image: " + BASE_IMAGE + " is there already (no debootstrap)");
            return;
        }
        long start = System.nanoTime();
        Path rootfs = Files.createTempDirectory(Path.of("/var/tmp"), "osteonode-rootfs-");
        try {
            expectSuccess(podman.exec(Duration.ofMinutes(30), List.of("debootstrap", "--variant=minbase", "bookworm",
                    rootfs.toString(), debianMirror()), "debootstrap"), "debootstrap");
            expectSuccess(podman.exec(Duration.ofMinutes(10), List.of("bash", "-c",
                    "set -o pipefail; tar -C \"$0\" -c . | podman import - \"$1\"", rootfs.toString(), BASE_IMAGE),
                    "import"), "podman import");
        } finally {
            podman.exec(Duration.ofMinutes(5), List.of("rm", "-rf", "--one-file-system", rootfs.toString()), "rm");
        }
        timing("debootstrap and import of " + BASE_IMAGE, start);
    }

    private static void buildTheImage() throws Exception {
        List<String> build = new ArrayList<>(List.of("build", "--network", "host", "--format", "docker",
                "--build-arg", "BASE_IMAGE=" + BASE_IMAGE));
        // A TLS-inspecting proxy's CA, where this machine has one: Maven in the build stage needs it too.
        try (Stream<Path> certificates =
                     Files.isDirectory(CA_CERTIFICATES) ? Files.list(CA_CERTIFICATES) : Stream.empty()) {
            if (certificates.findAny().isPresent()) {
                build.addAll(List.of("-v", CA_CERTIFICATES + ":" + CA_CERTIFICATES + ":ro"));
            }
        }
        // This machine's Maven repository and wrapper, so that the build stage downloads nothing it already has.
        Path home = Path.of(System.getProperty("user.home"));
        Path repository = Path.of(System.getProperty("maven.repo.local", home.resolve(".m2/repository").toString()));
        Path mavenUserHome =
                Optional.ofNullable(System.getenv("MAVEN_USER_HOME")).map(Path::of).orElse(home.resolve(".m2"));
        for (String[] mount : new String[][] {{repository.toString(), "/root/.m2/repository"},
                {mavenUserHome.resolve("wrapper").toString(), "/root/.m2/wrapper"},
                {home.resolve(".m2/settings.xml").toString(), "/root/.m2/settings.xml:ro"}}) {
            if (Files.exists(Path.of(mount[0]))) {
                build.addAll(List.of("-v", mount[0] + ":" + mount[1]));
            }
        }
        build.addAll(List.of("-f", "docker/Dockerfile"));

        // the build stage first, on its own (the image's build then takes it from the layer cache)
        List<String> buildStage = new ArrayList<>(build);
        buildStage.addAll(List.of("--target", "build", "-t", BUILD_STAGE_IMAGE, "."));
        buildReplacing(BUILD_STAGE_IMAGE, buildStage);
        build.addAll(List.of("-t", IMAGE, "."));
        buildReplacing(IMAGE, build);
    }

    /**
     * Builds and removes the image the tag named before, if the tag moved on: it would be left behind, nameless,
     * at every change of the sources.
     */
    private static void buildReplacing(String tag, List<String> build) throws Exception {
        String previous = imageId(tag);
        podman.ok(Duration.ofMinutes(45), build.toArray(String[]::new));
        if (!previous.isEmpty() && !previous.equals(imageId(tag))) {
            podman.run(Duration.ofMinutes(2), "rmi", previous);
        }
    }

    private static String imageId(String tag) throws Exception {
        Podman.Result result = podman.run(Duration.ofMinutes(1), "image", "inspect", "--format", "{{.Id}}", tag);
        return result.exitCode() == 0 ? result.output().strip() : "";
    }

    /**
     * The mirror apt uses here for bookworm (deb822 sources, else sources.list), so that debootstrap goes where
     * apt already goes; deb.debian.org when neither names one.
     */
    static String debianMirror() throws IOException {
        Path deb822 = Path.of("/etc/apt/sources.list.d/debian.sources");
        if (Files.exists(deb822)) {
            for (String stanza : Files.readString(deb822).split("\\n\\s*\\n")) {
                Matcher uris = Pattern.compile("(?m)^URIs:\\s*(\\S+)").matcher(stanza);
                Matcher suites = Pattern.compile("(?m)^Suites:(.*)$").matcher(stanza);
                if (uris.find() && suites.find()
                        && List.of(suites.group(1).trim().split("\\s+")).contains("bookworm")) {
                    return uris.group(1);
                }
            }
        }
        Path list = Path.of("/etc/apt/sources.list");
        if (Files.exists(list)) {
            Matcher deb = Pattern.compile("(?m)^deb\\s+(?:\\[[^]]*]\\s+)?(\\S+)\\s+bookworm\\s")
                    .matcher(Files.readString(list));
            if (deb.find()) {
                return deb.group(1);
            }
        }
        return "http://deb.debian.org/debian";
    }

    private static String exec(String... command) throws Exception {
        List<String> arguments = new ArrayList<>(List.of("exec", container));
        arguments.addAll(List.of(command));
        return podman.ok(Duration.ofMinutes(1), arguments.toArray(String[]::new));
    }

    private static String logs() throws Exception {
        return podman.run(Duration.ofMinutes(1), "logs", container).both();
    }

    private static HttpResponse<String> get(String path) throws Exception {
        HttpRequest request = HttpRequest.newBuilder(URI.create("http://localhost:" + HTTP_PORT + path))
                .timeout(Duration.ofSeconds(5)).build();
        return HttpClient.newHttpClient().send(request, HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
    }

    private static String value(AttributeList list, com.pixelmed.dicom.AttributeTag tag) {
        return com.pixelmed.dicom.Attribute.getSingleStringValueOrEmptyString(list, tag).trim();
    }

    private static void expectSuccess(Podman.Result result, String what) {
        assertThat(result.exitCode()).as(what + " failed:\n" + result.both()).isZero();
    }

    private static void timing(String what, long startNanos) {
        System.out.printf(Locale.ROOT, "container-image: %s took %.1f s%n", what,
                (System.nanoTime() - startNanos) / 1e9);
    }
}
