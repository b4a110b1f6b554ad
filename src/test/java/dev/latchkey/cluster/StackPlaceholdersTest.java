package dev.latchkey.cluster;

import org.junit.jupiter.api.Test;

import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class StackPlaceholdersTest {

    @Test
    void configuredValuesWinOverDefaultsAndStayOneAttributeValue() {
        String stack = "<X a=\"${k.a:1}\" b=\"${k.b:2}\" c=\"${k.c}\"/>";
        assertEquals("<X a=\"1\" b=\"7\" c=\"p&quot;w&amp;$1\"/>",
                StackPlaceholders.resolve(stack, Map.of("k.b", "7", "k.c", "p\"w&$1")));
    }

    @Test
    void placeholdersInCommentsAreNotResolved() {
        assertEquals("<X/>", StackPlaceholders.resolve("<!-- set ${k.unset}\n here -->", Map.of()) + "<X/>");
    }

    @Test
    void aPlaceholderWithNeitherValueNorDefaultIsNamedNotGuessed() {
        IllegalStateException missing = assertThrows(IllegalStateException.class,
                () -> StackPlaceholders.resolve("<X url=\"${k.url}\" pw=\"${k.pw}\"/>", Map.of("k.pw", "s3cret")));
        assertTrue(missing.getMessage().contains("k.url"), missing.getMessage());
        assertFalse(missing.getMessage().contains("s3cret"), missing.getMessage());
    }
}
