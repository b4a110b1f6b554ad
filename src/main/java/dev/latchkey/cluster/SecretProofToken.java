package dev.latchkey.cluster;

import dev.latchkey.crypto.ConstantTime;
import dev.latchkey.crypto.Hmac;
import dev.latchkey.crypto.RandomTokens;
import org.jgroups.Message;
import org.jgroups.auth.AuthToken;

import java.io.DataInput;
import java.io.DataOutput;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;

/**
 * JGroups {@code AUTH} token: a joining node proves that it knows the cluster secret without
 * sending it. Each time the token is written it carries a fresh random nonce and
 * HMAC-SHA256(join key, label || nonce); the coordinator recomputes the HMAC with its own key and
 * compares in constant time. A wrong or missing secret gives a wrong proof, and the join is refused.
 *
 * <p>Defence in depth: {@link ChannelSeal} already drops every message that was not sealed with
 * the same secret, so a stranger's JOIN never reaches {@code AUTH}. The token still refuses a node
 * whose stack was built without the seal (an operator's own Infinispan file, a mistake), and no
 * eavesdropper can replay a proof, since proofs only ever travel sealed.
 *
 * <p>{@code AUTH} checks merge requests and responses too, and a merge leader sends its request to
 * every coordinator, itself included. A message to itself never leaves the JVM: UNICAST3 hands the
 * very object it was sent back up, whose header holds this token itself, never written, so with no
 * proof in it. Refusing it cancelled every merge ("merge leader rejected merge request"), and a
 * node that had been cut off and came back kept its old view for good (docs/reliability.md).
 */
public final class SecretProofToken extends AuthToken {

    static final int NONCE_BYTES = 16;
    static final int PROOF_BYTES = 32;
    private static final byte[] LABEL = "latchkey/cluster/join-proof/v1|".getBytes(StandardCharsets.UTF_8);

    /** Null in a token read off the wire: it only carries a proof, it checks none. */
    private final byte[] key;
    private byte[] nonce;
    private byte[] proof;

    /** For JGroups, which creates the received token by reflection and then reads it. */
    public SecretProofToken() {
        this.key = null;
    }

    SecretProofToken(byte[] joinKey) {
        this.key = joinKey.clone();
    }

    @Override
    public String getName() {
        return getClass().getName();
    }

    @Override
    public int size() {
        return NONCE_BYTES + PROOF_BYTES;
    }

    @Override
    public boolean authenticate(AuthToken token, Message msg) {
        // This node's own token, looped back: a token read off the wire is always a new object
        // (made by reflection, with no key), so no message from elsewhere can be this instance.
        if (token == this && key != null) {
            return true;
        }
        if (key == null || !(token instanceof SecretProofToken received) || received.nonce == null || received.proof == null) {
            return false;
        }
        return ConstantTime.equal(proofFor(key, received.nonce), received.proof);
    }

    @Override
    public void writeTo(DataOutput out) throws IOException {
        if (key == null) {
            throw new IOException("A received join proof is never sent on");
        }
        byte[] freshNonce = RandomTokens.bytes(NONCE_BYTES);
        out.write(freshNonce);
        out.write(proofFor(key, freshNonce));
    }

    @Override
    public void readFrom(DataInput in) throws IOException {
        nonce = new byte[NONCE_BYTES];
        proof = new byte[PROOF_BYTES];
        in.readFully(nonce);
        in.readFully(proof);
    }

    static byte[] proofFor(byte[] key, byte[] nonce) {
        return Hmac.sha256(key, ByteBuffer.allocate(LABEL.length + nonce.length).put(LABEL).put(nonce).array());
    }

    @Override
    public String toString() {
        return "SecretProofToken[hidden]";
    }
}
