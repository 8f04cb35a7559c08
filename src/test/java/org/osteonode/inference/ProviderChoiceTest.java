package org.osteonode.inference;

import org.osteonode.config.ProviderRequest;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class ProviderChoiceTest {
    private static final RuntimeProbe GPU_HOST = new RuntimeProbe(true, true);
    private static final RuntimeProbe GPU_BUILD_NO_DEVICE = new RuntimeProbe(true, false);
    private static final RuntimeProbe CPU_BUILD_ON_GPU_HOST = new RuntimeProbe(false, true);
    private static final RuntimeProbe CPU_HOST = new RuntimeProbe(false, false);

    @Test
    void autoUsesCudaOnlyWhenTheGpuBuildAndADeviceAreBothThere() {
        assertThat(ProviderChoice.choose(ProviderRequest.AUTO, GPU_HOST))
                .isEqualTo(new ProviderChoice(ExecutionProvider.CUDA, "gpu-build-and-device"));
        assertThat(ProviderChoice.choose(ProviderRequest.AUTO, GPU_BUILD_NO_DEVICE))
                .isEqualTo(new ProviderChoice(ExecutionProvider.CPU, "no-cuda-device"));
        assertThat(ProviderChoice.choose(ProviderRequest.AUTO, CPU_BUILD_ON_GPU_HOST))
                .isEqualTo(new ProviderChoice(ExecutionProvider.CPU, "cpu-only-build"));
        assertThat(ProviderChoice.choose(ProviderRequest.AUTO, CPU_HOST))
                .isEqualTo(new ProviderChoice(ExecutionProvider.CPU, "cpu-only-build"));
    }

    @Test
    void cpuIsCpuWhateverTheHost() {
        for (RuntimeProbe probe : new RuntimeProbe[] {GPU_HOST, GPU_BUILD_NO_DEVICE, CPU_BUILD_ON_GPU_HOST, CPU_HOST}) {
            assertThat(ProviderChoice.choose(ProviderRequest.CPU, probe))
                    .isEqualTo(new ProviderChoice(ExecutionProvider.CPU, "configured-cpu"));
        }
    }

    @Test
    void cudaIsCudaOnAGpuHost() {
        assertThat(ProviderChoice.choose(ProviderRequest.CUDA, GPU_HOST))
                .isEqualTo(new ProviderChoice(ExecutionProvider.CUDA, "configured-cuda"));
    }

    @Test
    void cudaWithoutTheGpuBuildStopsStartUpSayingHowToBuildIt() {
        for (RuntimeProbe probe : new RuntimeProbe[] {CPU_BUILD_ON_GPU_HOST, CPU_HOST}) {
            assertThatThrownBy(() -> ProviderChoice.choose(ProviderRequest.CUDA, probe))
                    .isInstanceOf(ProviderUnavailableException.class)
                    .hasMessageContaining("osteonode.inference.provider=cuda")
                    .hasMessageContaining("CPU-only")
                    .hasMessageContaining("-Pgpu");
        }
    }

    @Test
    void cudaWithoutADeviceStopsStartUpSayingSo() {
        assertThatThrownBy(() -> ProviderChoice.choose(ProviderRequest.CUDA, GPU_BUILD_NO_DEVICE))
                .isInstanceOf(ProviderUnavailableException.class)
                .hasMessageContaining("no CUDA device is visible")
                .hasMessageContaining("auto or cpu");
    }

    @Test
    void aCudaSessionThatFailsFallsBackToCpuForAutoOnly() {
        assertThat(ProviderChoice.afterCudaFailure(ProviderRequest.AUTO, "libcudnn.so.9: cannot open"))
                .isEqualTo(new ProviderChoice(ExecutionProvider.CPU, "cuda-session-failed"));
        assertThatThrownBy(() -> ProviderChoice.afterCudaFailure(ProviderRequest.CUDA, "libcudnn.so.9: cannot open"))
                .isInstanceOf(ProviderUnavailableException.class)
                .hasMessageContaining("libcudnn.so.9")
                .hasMessageContaining("cuDNN 9");
    }

    @Test
    void providerTagsAreTheMetricLabelValues() {
        assertThat(ExecutionProvider.CPU.tag()).isEqualTo("cpu");
        assertThat(ExecutionProvider.CUDA.tag()).isEqualTo("cuda");
    }

    @Test
    void requestsParseFromTheirConfigValues() {
        assertThat(ProviderRequest.parse(" CUDA ")).isEqualTo(ProviderRequest.CUDA);
        assertThat(ProviderRequest.parse("auto")).isEqualTo(ProviderRequest.AUTO);
        assertThat(ProviderRequest.parse("gpu")).isNull();
    }
}
