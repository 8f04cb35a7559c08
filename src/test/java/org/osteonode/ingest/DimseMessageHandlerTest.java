package org.osteonode.ingest;

import com.pixelmed.network.CEchoRequestCommandMessage;
import org.junit.jupiter.api.Test;

import java.util.Arrays;

import static org.assertj.core.api.Assertions.assertThat;

class DimseMessageHandlerTest {
    @Test
    void aCommandSetIsWellFormedWhenEveryElementFitsInIt() throws Exception {
        byte[] echo = new CEchoRequestCommandMessage().getBytes();

        assertThat(DimseMessageHandler.wellFormed(echo)).isTrue();
        assertThat(DimseMessageHandler.wellFormed(Arrays.copyOf(echo, echo.length - 1))).as("cut short").isFalse();
        assertThat(DimseMessageHandler.wellFormed(Arrays.copyOf(echo, echo.length + 3))).as("trailing bytes").isFalse();
        // "garbage!" read as an element: tag 'ga','rb', length 'age!' = 0x21656761
        assertThat(DimseMessageHandler.wellFormed("garbage!".getBytes())).as("a claimed 560 MB").isFalse();
    }
}
