package dev.sieve.models.expert;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class ProgressListenerTest {
    @Test
    void line_whenHalfDone_showsBarRateAndEta() {
        String line = ProgressListener.ProgressBar.line("embed train", 50, 100, 10);

        assertThat(line).isEqualTo("embed train [###############---------------] 50/100 items, 5 items/s, eta 10s");
    }

    @Test
    void bar_whenFinished_endsTheLine() {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ProgressListener bar = ProgressListener.bar(new PrintStream(out, true, StandardCharsets.UTF_8));

        bar.onProgress("embed", 0, 3);
        bar.onProgress("embed", 3, 3);

        String printed = out.toString(StandardCharsets.UTF_8);
        assertThat(printed).startsWith("\rembed [").contains("3/3 items").endsWith(System.lineSeparator());
    }
}
