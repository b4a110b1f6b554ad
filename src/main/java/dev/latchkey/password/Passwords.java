package dev.latchkey.password;

import java.text.Normalizer;

/** Password text handling shared by the policy and the hasher. */
final class Passwords {

    private Passwords() {
    }

    /**
     * NIST SP 800-63B 5.1.1.2: Unicode passwords are normalized (NFKC) before they are checked and
     * hashed, so that the same password typed on two keyboards that compose characters differently
     * is the same password.
     */
    static String normalize(String password) {
        return Normalizer.normalize(password, Normalizer.Form.NFKC);
    }
}
