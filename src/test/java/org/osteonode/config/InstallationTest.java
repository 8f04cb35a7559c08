package org.osteonode.config;

import org.junit.jupiter.api.Test;

import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;

class InstallationTest {
    @Test
    void aCheckoutIsTheInstallationOfItsBuild() {
        assertThat(Installation.directoryOf(Path.of("/src/osteonode/target/classes"))).isEqualTo(Path.of("/src/osteonode"));
        assertThat(Installation.directoryOf(Path.of("/src/osteonode/target/osteonode.jar"))).isEqualTo(Path.of("/src/osteonode"));
    }

    @Test
    void aPackagedJarLivesInItsInstallation() {
        assertThat(Installation.directoryOf(Path.of("/opt/osteonode/osteonode.jar"))).isEqualTo(Path.of("/opt/osteonode"));
    }

    @Test
    void testsRunFromThisCheckoutFindTheBundledDemoModel() {
        assertThat(Installation.bundledDemoModel()).isEqualTo(Path.of("model/demo").toAbsolutePath());
        assertThat(Installation.bundledDemoModel().resolve("model.json")).exists();
    }
}
