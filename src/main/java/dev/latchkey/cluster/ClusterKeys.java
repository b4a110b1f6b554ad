package dev.latchkey.cluster;

import dev.latchkey.crypto.Hmac;

import java.nio.charset.StandardCharsets;

/**
 * The keys the channel uses, each derived from the shared cluster secret by HMAC-SHA256 under its
 * own label (a one-block HKDF-Expand): the sealing key and the join-proof key are independent, so
 * neither use can leak anything about the other, and the secret itself never leaves the node.
 */
final class ClusterKeys {

    private final byte[] sealKey;
    private final byte[] joinKey;

    private ClusterKeys(byte[] secret) {
        this.sealKey = Hmac.sha256(secret, label("seal"));
        this.joinKey = Hmac.sha256(secret, label("join"));
    }

    static ClusterKeys from(byte[] secret) {
        return new ClusterKeys(secret);
    }

    private static byte[] label(String use) {
        return ("latchkey/cluster/" + use + "/v1").getBytes(StandardCharsets.UTF_8);
    }

    /** 256 bits, for {@link dev.latchkey.crypto.AesGcm}. */
    byte[] sealKey() {
        return sealKey.clone();
    }

    byte[] joinKey() {
        return joinKey.clone();
    }

    @Override
    public String toString() {
        return "ClusterKeys[hidden]";
    }
}
