package dev.latchkey.client;

import dev.latchkey.crypto.TokenDigests;
import dev.latchkey.problem.Problem;
import dev.latchkey.problem.ProblemException;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.HeaderParam;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.EntityTag;
import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.Response;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.Base64;
import java.util.HexFormat;

/**
 * The browser client, {@code latchkey.js}, from Latchkey's own origin (it must be: it reads the
 * CSRF cookie, which only that origin's scripts can read).
 *
 * <p>Two names for the same bytes. {@code /client/latchkey.js} is always the current version and
 * is revalidated on every load (a cheap {@code 304} by its {@code ETag}), so an upgrade of Latchkey
 * reaches every page at once. {@code /client/latchkey.<version>.js}, the version being the first
 * 16 hex digits of the file's SHA-256 (the {@code ETag}), never changes and is cached for a year;
 * any other version is a {@code 404}. Both carry the file's Subresource Integrity hash in
 * {@code X-Integrity}, for a page's {@code integrity} attribute.
 */
@Path("/client")
@ApplicationScoped
public class ClientScriptResource {

    static final String MEDIA_TYPE = "text/javascript; charset=utf-8";
    private static final String FILE = "latchkey.js";
    /** The script holds no secret and no personal data, so shared caches may keep it too. */
    private static final String REVALIDATE = "public, no-cache";
    private static final String FOR_A_YEAR = "public, max-age=31536000, immutable";

    private final byte[] script = read();
    private final String version = HexFormat.of().formatHex(TokenDigests.sha256(script)).substring(0, 16);
    private final String integrity = "sha256-" + Base64.getEncoder().encodeToString(TokenDigests.sha256(script));

    @GET
    @Path("latchkey.js")
    @Produces(MEDIA_TYPE)
    public Response current(@HeaderParam(HttpHeaders.IF_NONE_MATCH) String ifNoneMatch) {
        EntityTag tag = new EntityTag(version);
        if (ifNoneMatch != null && ifNoneMatch.contains("\"" + version + "\"")) {
            return Response.notModified(tag).header(HttpHeaders.CACHE_CONTROL, REVALIDATE).build();
        }
        return Response.ok(script).tag(tag).header(HttpHeaders.CACHE_CONTROL, REVALIDATE)
                .header("X-Integrity", integrity)
                .header("Link", "</client/latchkey." + version + ".js>; rel=\"alternate\"")
                .build();
    }

    @GET
    @Path("latchkey.{version}.js")
    @Produces(MEDIA_TYPE)
    public Response versioned(@PathParam("version") String requested) {
        if (!version.equals(requested)) {
            throw new ProblemException(Problem.of(404, "not-found", "Not Found",
                    "No such version of the client: load /client/latchkey.js for the current one."));
        }
        return Response.ok(script).tag(new EntityTag(version)).header(HttpHeaders.CACHE_CONTROL, FOR_A_YEAR)
                .header("X-Integrity", integrity)
                .build();
    }

    private static byte[] read() {
        try (InputStream in = ClientScriptResource.class.getResourceAsStream(FILE)) {
            if (in == null) {
                throw new IllegalStateException(FILE + " is missing from the WAR");
            }
            return in.readAllBytes();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
