package dev.latchkey.crypto;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;

/**
 * Comparison of secrets that takes the same time wherever the first difference is, so response
 * times leak nothing about how much of a guess was right.
 */
public final class ConstantTime {

    private ConstantTime() {
    }

    public static boolean equal(byte[] a, byte[] b) {
        return MessageDigest.isEqual(a, b);
    }

    public static boolean equal(String a, String b) {
        return MessageDigest.isEqual(a.getBytes(StandardCharsets.UTF_8), b.getBytes(StandardCharsets.UTF_8));
    }
}
