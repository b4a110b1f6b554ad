package dev.latchkey.testsupport.client;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.SocketException;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;

/** Reading what a server wrote back on a raw socket, for the tests that speak HTTP by hand. */
public final class RawAnswers {

    private RawAnswers() {
    }

    /**
     * Everything the server wrote until it closed the connection, reset it or fell silent for the
     * socket's timeout; empty when it wrote nothing, which the caller judges. A reset after the
     * answer (the server refused the rest of a request) still leaves the answer.
     */
    public static String readUntilClosed(InputStream in) throws IOException {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        byte[] buffer = new byte[8192];
        try {
            for (int read; (read = in.read(buffer)) != -1; ) {
                bytes.write(buffer, 0, read);
            }
        } catch (SocketTimeoutException | SocketException closedOrSilent) {
            // What arrived before is the answer.
        }
        return bytes.toString(StandardCharsets.ISO_8859_1);
    }
}
