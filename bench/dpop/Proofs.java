import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.jwk.Curve;
import com.nimbusds.jose.jwk.ECKey;
import com.nimbusds.jose.jwk.gen.ECKeyGenerator;
import com.nimbusds.oauth2.sdk.dpop.DefaultDPoPProofFactory;
import com.nimbusds.oauth2.sdk.dpop.DPoPProofFactory;

import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * The DPoP half of bench/dpop/refresh.sh: wrk cannot sign, so the proofs each virtual user sends
 * are made here, ahead of its window, with Nimbus's proof factory (as a Java client makes them).
 *
 *   java -cp <runtime classpath> Proofs.java keys <users> <dir>
 *       a P-256 key per user, dir/key-<i>.json (1-based, as wrk numbers its threads)
 *   java -cp <runtime classpath> Proofs.java proofs <users> <dir> <method> <url> <count> <name>
 *       <count> proofs per user, each with its own jti and iat now, one per line in dir/<name>-<i>.txt
 */
public final class Proofs {

    public static void main(String[] args) throws Exception {
        int users = Integer.parseInt(args[1]);
        Path dir = Path.of(args[2]);
        Files.createDirectories(dir);
        long started = System.nanoTime();
        if (args[0].equals("keys")) {
            for (int i = 1; i <= users; i++) {
                ECKey key = new ECKeyGenerator(Curve.P_256).generate();
                Files.writeString(dir.resolve("key-" + i + ".json"), key.toJSONString(), StandardCharsets.UTF_8);
            }
            return;
        }
        String method = args[3];
        URI url = URI.create(args[4]);
        int count = Integer.parseInt(args[5]);
        String name = args[6];
        for (int i = 1; i <= users; i++) {
            ECKey key = ECKey.parse(Files.readString(dir.resolve("key-" + i + ".json"), StandardCharsets.UTF_8));
            DPoPProofFactory factory = new DefaultDPoPProofFactory(key, JWSAlgorithm.ES256);
            List<String> proofs = new ArrayList<>(count);
            for (int n = 0; n < count; n++) {
                proofs.add(factory.createDPoPJWT(method, url).serialize());
            }
            Files.write(dir.resolve(name + "-" + i + ".txt"), proofs, StandardCharsets.US_ASCII);
        }
        System.err.printf("PROOFS %d made in %.1f ms (%.3f ms each, on the client side)%n", users * count,
                (System.nanoTime() - started) / 1e6, (System.nanoTime() - started) / 1e6 / (users * count));
    }
}
