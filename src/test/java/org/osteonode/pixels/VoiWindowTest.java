package org.osteonode.pixels;

import com.pixelmed.dicom.AttributeList;
import com.pixelmed.dicom.CodeStringAttribute;
import com.pixelmed.dicom.DecimalStringAttribute;
import com.pixelmed.dicom.TagFromName;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;
import static org.osteonode.pixels.PhotometricInterpretation.MONOCHROME1;
import static org.osteonode.pixels.PhotometricInterpretation.MONOCHROME2;

class VoiWindowTest {

    @Test
    void linearWindowFollowsPs33C11212() {
        // c = 100, w = 11: x <= 94.5 is the minimum, x > 104.5 the maximum, else ((x - 99.5) / 10 + 0.5).
        VoiWindow window = VoiWindow.ofCenterWidth(100, 11, VoiLutFunction.LINEAR);

        float[] out = window.present(new float[] {94, 94.5f, 95, 99.5f, 104, 104.5f, 105}, MONOCHROME2);

        assertThat(out).containsExactly(new float[] {0, 0, 0.05f, 0.5f, 0.95f, 1, 1}, within(1e-6f));
    }

    @Test
    void aFullRangeWindowSpansTheStoredBits() {
        VoiWindow window = VoiWindow.ofCenterWidth(2048, 4096, VoiLutFunction.LINEAR);

        assertThat(window.lower()).isEqualTo(0);
        assertThat(window.upper()).isEqualTo(4095);
    }

    @Test
    void widthOneIsAThresholdAtCenterMinusOneHalf() {
        VoiWindow window = VoiWindow.ofCenterWidth(100, 1, VoiLutFunction.LINEAR);

        assertThat(window.present(new float[] {99, 99.5f, 100, 101}, MONOCHROME2)).containsExactly(0, 0, 1, 1);
    }

    @Test
    void linearExactSpansCenterPlusMinusHalfTheWidth() {
        VoiWindow window = VoiWindow.ofCenterWidth(100, 10, VoiLutFunction.LINEAR_EXACT);

        assertThat(window.present(new float[] {95, 97.5f, 100, 105}, MONOCHROME2))
                .containsExactly(new float[] {0, 0.25f, 0.5f, 1}, within(1e-6f));
    }

    @Test
    void sigmoidIsOneHalfAtTheCenterAndSaturates() {
        VoiWindow window = VoiWindow.ofCenterWidth(100, 10, VoiLutFunction.SIGMOID);

        float[] out = window.present(new float[] {0, 100, 200}, MONOCHROME2);

        assertThat(out).containsExactly(new float[] {0, 0.5f, 1}, within(1e-6f));
        assertThat(window.present(new float[] {105}, MONOCHROME2)[0])
                .isCloseTo((float) (1 / (1 + Math.exp(-2))), within(1e-6f));
    }

    @Test
    void aSigmoidOfWidthZeroIsRefused() {
        assertThatThrownBy(() -> VoiWindow.ofCenterWidth(100, 0, VoiLutFunction.SIGMOID))
                .isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void monochrome1PresentsTheMinimumWhiteAfterTheWindow() {
        VoiWindow window = VoiWindow.ofCenterWidth(100, 11, VoiLutFunction.LINEAR);

        float[] out = window.present(new float[] {94, 95, 99.5f, 104, 105}, MONOCHROME1);

        assertThat(out).containsExactly(new float[] {1, 0.95f, 0.5f, 0.05f, 0}, within(1e-6f));
        assertThat(VoiWindow.ofCenterWidth(100, 10, VoiLutFunction.SIGMOID).present(new float[] {0}, MONOCHROME1))
                .containsExactly(new float[] {1}, within(1e-6f));
    }

    @Test
    void theFirstWindowCenterAndWidthAreTheDefault() throws Exception {
        AttributeList list = list("100\\300", "11\\20", null);

        assertThat(VoiWindow.of(list)).contains(VoiWindow.ofCenterWidth(100, 11, VoiLutFunction.LINEAR));
    }

    @Test
    void theVoiLutFunctionIsRead() throws Exception {
        assertThat(VoiWindow.of(list("100", "10", "LINEAR_EXACT")))
                .contains(new VoiWindow(95, 105, VoiLutFunction.LINEAR_EXACT));
        assertThat(VoiWindow.of(list("100", "10", "SIGMOID")).orElseThrow().function())
                .isEqualTo(VoiLutFunction.SIGMOID);
        assertThat(VoiWindow.of(list("100", "10", "SOMETHING")).orElseThrow().function())
                .isEqualTo(VoiLutFunction.LINEAR);
    }

    @Test
    void noWindowOrAnUnusableWidthLeavesTheWindowToThePixels() throws Exception {
        assertThat(VoiWindow.of(new AttributeList())).isEmpty();
        assertThat(VoiWindow.of(list("100", null, null))).isEmpty();
        assertThat(VoiWindow.of(list("100", "0", null))).isEmpty();
        assertThat(VoiWindow.of(list("100", "0.5", null))).isEmpty();
        assertThat(VoiWindow.of(list("100", "0.5", "LINEAR_EXACT"))).isPresent();
    }

    private static AttributeList list(String center, String width, String function) throws Exception {
        AttributeList list = new AttributeList();
        if (center != null) {
            DecimalStringAttribute attribute = new DecimalStringAttribute(TagFromName.WindowCenter);
            for (String value : center.split("\\\\")) {
                attribute.addValue(value);
            }
            list.put(attribute);
        }
        if (width != null) {
            DecimalStringAttribute attribute = new DecimalStringAttribute(TagFromName.WindowWidth);
            for (String value : width.split("\\\\")) {
                attribute.addValue(value);
            }
            list.put(attribute);
        }
        if (function != null) {
            CodeStringAttribute attribute = new CodeStringAttribute(TagFromName.VOILUTFunction);
            attribute.addValue(function);
            list.put(attribute);
        }
        return list;
    }
}
