import com.amazon.corretto.crypto.provider.AmazonCorrettoCryptoProvider;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.crypto.ECDSAVerifier;
import com.nimbusds.jose.jwk.Curve;
import com.nimbusds.jose.jwk.ECKey;
import com.nimbusds.jose.jwk.gen.ECKeyGenerator;
import com.nimbusds.jwt.SignedJWT;
import com.nimbusds.oauth2.sdk.dpop.DefaultDPoPProofFactory;
import com.nimbusds.oauth2.sdk.dpop.verifiers.DPoPIssuer;
import com.nimbusds.oauth2.sdk.dpop.verifiers.DPoPTokenRequestVerifier;

import java.net.URI;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * Where a DPoP proof's cost on the server goes, on one core: Nimbus's whole DPoP token-request
 * verification (as DpopProofs runs it, with a no-op replay check), against the ES256 signature
 * check alone with the JDK's provider (what Nimbus's verifier uses: it takes no JCA provider) and
 * with the native one Latchkey signs and verifies its own tokens with (crypto.EcdsaProvider).
 *
 *   java -cp <runtime classpath> VerifyCost.java [proofs]
 */
public final class VerifyCost {

    public static void main(String[] args) throws Exception {
        int count = args.length > 0 ? Integer.parseInt(args[0]) : 5000;
        URI url = URI.create("http://localhost:8080/auth/refresh");
        ECKey key = new ECKeyGenerator(Curve.P_256).generate();
        DefaultDPoPProofFactory factory = new DefaultDPoPProofFactory(key, JWSAlgorithm.ES256);
        for (int round = 0; round < 3; round++) {
            List<SignedJWT> proofs = new ArrayList<>();
            for (int i = 0; i < count; i++) {
                proofs.add(SignedJWT.parse(factory.createDPoPJWT("POST", url).serialize()));
            }
            DPoPTokenRequestVerifier verifier = new DPoPTokenRequestVerifier(new HashSet<>(Set.of(JWSAlgorithm.ES256)),
                    url, 5, 120, use -> { });
            long start = System.nanoTime();
            for (SignedJWT proof : proofs) {
                verifier.verify(new DPoPIssuer("bench"), SignedJWT.parse(proof.serialize()), null);
            }
            double nimbus = (System.nanoTime() - start) / 1e6 / count;

            ECDSAVerifier jdk = new ECDSAVerifier(key.toECPublicKey());
            start = System.nanoTime();
            for (SignedJWT proof : proofs) {
                proof.verify(jdk);
            }
            double jdkOnly = (System.nanoTime() - start) / 1e6 / count;

            ECDSAVerifier nativeVerifier = new ECDSAVerifier(key.toECPublicKey());
            nativeVerifier.getJCAContext().setProvider(AmazonCorrettoCryptoProvider.INSTANCE);
            start = System.nanoTime();
            for (SignedJWT proof : proofs) {
                SignedJWT.parse(proof.serialize()).verify(nativeVerifier);
            }
            double nativeOnly = (System.nanoTime() - start) / 1e6 / count;
            System.out.printf("ROUND %d: Nimbus DPoP verification %.3f ms per proof; ES256 signature alone: JDK %.3f ms, native %.3f ms%n",
                    round + 1, nimbus, jdkOnly, nativeOnly);
        }
    }
}
