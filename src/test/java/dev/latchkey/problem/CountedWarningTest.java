package dev.latchkey.problem;

import org.junit.jupiter.api.Test;

import java.text.MessageFormat;
import java.util.ArrayList;
import java.util.List;
import java.util.logging.Handler;
import java.util.logging.LogRecord;
import java.util.logging.Logger;

import static org.junit.jupiter.api.Assertions.assertEquals;

class CountedWarningTest {

    @Test
    void theFirstOccurrenceIsWrittenAtOnceAndTheRestOfTheMinuteOnlyCounted() {
        Logger logger = Logger.getAnonymousLogger();
        logger.setUseParentHandlers(false);
        List<String> lines = new ArrayList<>();
        logger.addHandler(new Handler() {
            @Override
            public void publish(LogRecord record) {
                lines.add(MessageFormat.format(record.getMessage(), record.getParameters()));
            }

            @Override
            public void flush() {
            }

            @Override
            public void close() {
            }
        });
        CountedWarning warning = new CountedWarning(logger, "counted: {0}");
        for (int i = 0; i < 1000; i++) {
            warning.count(i % 2 == 0 ? "even" : "odd");
        }
        assertEquals(List.of("counted: 1 for even"), lines);
    }
}
