package org.osteonode.inference;

import java.util.Locale;

/** The ONNX Runtime execution provider a model session runs on. */
public enum ExecutionProvider {
    CPU,
    CUDA;

    /** The value of the {@code provider} tag of {@code osteonode_inference_seconds} and of the start-up log. */
    public String tag() {
        return name().toLowerCase(Locale.ROOT);
    }
}
