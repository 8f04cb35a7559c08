package org.osteonode.inference;

import org.osteonode.config.ProviderRequest;

/**
 * The execution provider osteonode runs the model on, and why. {@link #choose} is the whole policy of
 * {@code osteonode.inference.provider}: a pure function of the request and of what the host offers.
 *
 * @param reason a short token for the start-up log line, such as {@code no-cuda-device}
 */
public record ProviderChoice(ExecutionProvider provider, String reason) {
    private static final String KEY = "osteonode.inference.provider";

    /** @throws ProviderUnavailableException when {@code cuda} is requested and the host cannot give it */
    public static ProviderChoice choose(ProviderRequest request, RuntimeProbe probe) {
        return switch (request) {
            case CPU -> new ProviderChoice(ExecutionProvider.CPU, "configured-cpu");
            case CUDA -> {
                if (!probe.gpuBuildOnClassPath()) {
                    throw new ProviderUnavailableException(KEY + "=cuda, but this build of osteonode has the CPU-only "
                            + "ONNX Runtime: build it with ./mvnw -Pgpu package (docs/inference.md), or set " + KEY
                            + "=auto or cpu");
                }
                if (!probe.cudaDeviceVisible()) {
                    throw new ProviderUnavailableException(KEY + "=cuda, but no CUDA device is visible (no /dev/nvidia0, "
                            + "or CUDA_VISIBLE_DEVICES hides it): install the NVIDIA driver or give the container "
                            + "a GPU, or set " + KEY + "=auto or cpu");
                }
                yield new ProviderChoice(ExecutionProvider.CUDA, "configured-cuda");
            }
            case AUTO -> {
                if (!probe.gpuBuildOnClassPath()) {
                    yield new ProviderChoice(ExecutionProvider.CPU, "cpu-only-build");
                }
                if (!probe.cudaDeviceVisible()) {
                    yield new ProviderChoice(ExecutionProvider.CPU, "no-cuda-device");
                }
                yield new ProviderChoice(ExecutionProvider.CUDA, "gpu-build-and-device");
            }
        };
    }

    /**
     * ONNX Runtime could not open a CUDA session although the probe said it could (typically a missing CUDA
     * or cuDNN library): {@code auto} falls back to the CPU, {@code cuda} stops start-up.
     */
    public static ProviderChoice afterCudaFailure(ProviderRequest request, String error) {
        if (request == ProviderRequest.AUTO) {
            return new ProviderChoice(ExecutionProvider.CPU, "cuda-session-failed");
        }
        throw new ProviderUnavailableException(KEY + "=" + request.configValue() + ", but ONNX Runtime could not "
                + "open a CUDA session (" + error + "): it needs CUDA 12 and cuDNN 9 on the library path "
                + "(docs/inference.md), or set " + KEY + "=auto or cpu");
    }
}
