package org.osteonode.inference;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

class RuntimeProbeTest {
    @TempDir
    Path dev;

    @Test
    void anNvidiaDeviceNodeIsACudaDevice() throws IOException {
        Files.createFile(dev.resolve("nvidiactl"));
        assertThat(RuntimeProbe.nvidiaDeviceVisible(dev, Map.of())).isFalse();

        Files.createFile(dev.resolve("nvidia0"));
        assertThat(RuntimeProbe.nvidiaDeviceVisible(dev, Map.of())).isTrue();
        assertThat(RuntimeProbe.nvidiaDeviceVisible(dev, Map.of("CUDA_VISIBLE_DEVICES", "0"))).isTrue();
    }

    @Test
    void cudaVisibleDevicesCanHideEveryDevice() throws IOException {
        Files.createFile(dev.resolve("nvidia0"));

        assertThat(RuntimeProbe.nvidiaDeviceVisible(dev, Map.of("CUDA_VISIBLE_DEVICES", ""))).isFalse();
        assertThat(RuntimeProbe.nvidiaDeviceVisible(dev, Map.of("CUDA_VISIBLE_DEVICES", "-1"))).isFalse();
    }

    @Test
    void aMissingDevDirectoryMeansNoDevice() {
        assertThat(RuntimeProbe.nvidiaDeviceVisible(dev.resolve("absent"), Map.of())).isFalse();
    }
}
