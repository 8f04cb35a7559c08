package com.pixelmed.network;

import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;

import static org.assertj.core.api.Assertions.assertThat;

/** See README.md beside PolicyAssociationAcceptor: what it relies on in PixelMed, for the version it was written for. */
class PixelMedPatchTest {
    @Test
    void pixelmedIsTheReleaseThePatchWasWrittenFor() throws Exception {
        Process dpkg = new ProcessBuilder("dpkg-query", "-W", "-f=${Version}", "libpixelmed-java")
                .redirectErrorStream(true).start();
        String version = new String(dpkg.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim();
        dpkg.waitFor();

        assertThat(version).as("PolicyAssociationAcceptor was written for PixelMed 20220618: re-read it against "
                + "this release (src/main/java/com/pixelmed/network/README.md), then update this pin")
                .startsWith("20220618");
    }

    @Test
    void theReleaseWaitIsShortened() throws Exception {
        Class.forName(PolicyAssociationAcceptor.class.getName()); // initialises the class, which applies the patch
        java.lang.reflect.Field wait = Association.class
                .getDeclaredField("associationReleaseToTransportConnectionCloseTimeoutInMilliseconds");
        wait.setAccessible(true);

        assertThat(wait.getInt(null)).isEqualTo(PolicyAssociationAcceptor.RELEASE_TO_CLOSE_WAIT_MILLIS);
    }
}
