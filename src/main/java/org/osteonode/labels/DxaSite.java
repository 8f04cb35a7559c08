package org.osteonode.labels;

import java.util.Locale;
import java.util.Optional;

/** The DXA measurement sites osteonode takes (the ones WHO and ISCD classify by). */
public enum DxaSite {
    LUMBAR_SPINE("lumbar-spine"),
    TOTAL_HIP("total-hip"),
    FEMORAL_NECK("femoral-neck");

    private final String code;

    DxaSite(String code) {
        this.code = code;
    }

    /** As stored and exported: {@code lumbar-spine}, {@code total-hip}, {@code femoral-neck}. */
    public String code() {
        return code;
    }

    /** "lumbar spine", "Lumbar_Spine", "total-hip"...: case, spaces, dashes and underscores do not matter. */
    public static Optional<DxaSite> parse(String text) {
        String normalized = text.strip().toLowerCase(Locale.ROOT).replaceAll("[\\s_-]+", "-");
        for (DxaSite site : values()) {
            if (site.code.equals(normalized)) {
                return Optional.of(site);
            }
        }
        return Optional.empty();
    }
}
