package dev.sieve.localaws;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class LocalAwsTest {
    @Test
    void start_whenPortOutOfRange_throwsNamingThePort() {
        assertThatThrownBy(() -> LocalAws.start(0, 70_000, 0))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("dynamoDbPort=70000")
                .hasMessageContaining("0 (any free port) .. 65535");
    }

    @Test
    void quietLogbackResource_whenRead_setsEveryEmulatorLoggerToWarn() throws IOException {
        String xml;
        try (InputStream in = LocalAws.class.getClassLoader().getResourceAsStream(LocalAws.QUIET_LOGBACK_RESOURCE)) {
            assertThat(in).as(LocalAws.QUIET_LOGBACK_RESOURCE).isNotNull();
            xml = new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }

        assertThat(xml).startsWith("<!--").contains("<included>");
        for (String logger : LocalAws.EMULATOR_LOGGERS) {
            assertThat(xml).contains("<logger name=\"" + logger + "\" level=\"WARN\"/>");
        }
    }

    @Test
    void accessKey_whenUsedWithDynamoDbLocal_isOnlyLettersAndDigits() {
        // DynamoDB Local answers "The Access Key ID or security token is invalid" to anything else
        assertThat(LocalAws.ACCESS_KEY_ID).matches("[A-Za-z0-9]+");
    }
}
