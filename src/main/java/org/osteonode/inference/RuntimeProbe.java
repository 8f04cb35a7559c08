package org.osteonode.inference;

import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtProvider;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.stream.Stream;

/**
 * What this host offers for inference.
 *
 * @param gpuBuildOnClassPath the ONNX Runtime on the class path is the GPU build (it has the CUDA provider)
 * @param cudaDeviceVisible   an NVIDIA device node is there and CUDA_VISIBLE_DEVICES does not hide it
 */
public record RuntimeProbe(boolean gpuBuildOnClassPath, boolean cudaDeviceVisible) {

    public static RuntimeProbe ofThisHost() {
        return new RuntimeProbe(onnxRuntimeHasCuda(), nvidiaDeviceVisible(Path.of("/dev"), System.getenv()));
    }

    /** The CPU build lists CPU only; the GPU build lists CUDA (and TensorRT) even on a host without a GPU. */
    static boolean onnxRuntimeHasCuda() {
        try {
            return OrtEnvironment.getAvailableProviders().contains(OrtProvider.CUDA);
        } catch (LinkageError | RuntimeException e) {
            return false;
        }
    }

    /**
     * The NVIDIA driver makes /dev/nvidia0, /dev/nvidia1...; a container sees them only when it was given
     * GPUs. CUDA_VISIBLE_DEVICES set to empty or -1 hides every device from CUDA.
     */
    static boolean nvidiaDeviceVisible(Path dev, Map<String, String> environment) {
        String visible = environment.get("CUDA_VISIBLE_DEVICES");
        if (visible != null && (visible.isBlank() || visible.trim().startsWith("-1"))) {
            return false;
        }
        try (Stream<Path> nodes = Files.list(dev)) {
            return nodes.anyMatch(node -> node.getFileName().toString().matches("nvidia\\d+"));
        } catch (IOException e) {
            return false;
        }
    }
}
