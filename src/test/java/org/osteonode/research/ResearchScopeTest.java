package org.osteonode.research;

import org.junit.jupiter.api.Test;
import org.osteonode.config.ConfigException;
import org.osteonode.config.Settings;
import org.osteonode.config.SettingsLoader;
import org.osteonode.labels.BodyPart;

import java.util.Map;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class ResearchScopeTest {
    private static final String DX = "1.2.840.10008.5.1.4.1.1.1.1";
    private static final String CT = "1.2.840.10008.5.1.4.1.1.2";

    @Test
    void byDefaultOnlyRadiographsEnterTheResearchArchive() {
        ResearchScope scope = ResearchScope.of(SettingsLoader.load(null, Map.of()).research());

        assertThat(scope.exclusion("DX", BodyPart.LSPINE, DX)).isEmpty();
        assertThat(scope.exclusion("CR", BodyPart.UNKNOWN, "1.2.840.10008.5.1.4.1.1.1")).isEmpty();
        assertThat(scope.exclusion("CT", BodyPart.LSPINE, CT)).contains("out-of-scope-modality");
        assertThat(scope.exclusion("MR", BodyPart.HIP, "1.2.840.10008.5.1.4.1.1.4")).contains("out-of-scope-modality");
    }

    @Test
    void aStewardNarrowsItByBodyPartAndSopClassAndWidensItWithAStar() {
        ResearchScope scope = ResearchScope.of(SettingsLoader.load(null, Map.of(
                "OSTEONODE_RESEARCH_MODALITIES", "*",
                "OSTEONODE_RESEARCH_BODY_PARTS", "LSPINE,HIP",
                "OSTEONODE_RESEARCH_SOP_CLASSES", DX + "," + CT)).research());

        assertThat(scope.exclusion("CT", BodyPart.LSPINE, CT)).isEmpty();
        assertThat(scope.exclusion("DX", BodyPart.CHEST, DX)).contains("out-of-scope-body-part");
        assertThat(scope.exclusion("MR", BodyPart.HIP, "1.2.840.10008.5.1.4.1.1.4")).contains("out-of-scope-sop-class");
        assertThat(ResearchScope.ANY.exclusion("OT", BodyPart.UNKNOWN, "9.9")).isEmpty();
    }

    @Test
    void mistakesNameTheirKey() {
        assertThatThrownBy(() -> ResearchScope.of(new Settings.Research(Set.of(), Set.of("SPINE_OF_GOD"), Set.of())))
                .isInstanceOf(ConfigException.class).hasMessageContaining("osteonode.research.body-parts");
        assertThatThrownBy(() -> SettingsLoader.load(null, Map.of("OSTEONODE_RESEARCH_MODALITIES", "")))
                .isInstanceOf(ConfigException.class).hasMessageContaining("osteonode.research.modalities")
                .hasMessageContaining("write * for any");
        assertThatThrownBy(() -> SettingsLoader.load(null, Map.of("OSTEONODE_RESEARCH_SOP_CLASSES", "CT")))
                .isInstanceOf(ConfigException.class).hasMessageContaining("osteonode.research.sop-classes");
    }
}
