package org.osteonode.config;

import java.util.Locale;

/** What {@code osteonode.inference.provider} asks for. */
public enum ProviderRequest {
    /** CUDA when the ONNX Runtime GPU build and a GPU are both there, else CPU. */
    AUTO,
    /** CUDA or refuse to start. */
    CUDA,
    /** CPU always, even on a GPU host. */
    CPU;

    /** @return null when {@code value} is none of auto, cuda, cpu */
    public static ProviderRequest parse(String value) {
        return switch (value.trim().toLowerCase(Locale.ROOT)) {
            case "auto" -> AUTO;
            case "cuda" -> CUDA;
            case "cpu" -> CPU;
            default -> null;
        };
    }

    public String configValue() {
        return name().toLowerCase(Locale.ROOT);
    }
}
