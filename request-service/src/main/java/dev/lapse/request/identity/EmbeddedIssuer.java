package dev.lapse.request.identity;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JOSEObjectType;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.crypto.ECDSASigner;
import com.nimbusds.jose.jwk.Curve;
import com.nimbusds.jose.jwk.ECKey;
import com.nimbusds.jose.jwk.JWK;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.jwk.KeyUse;
import com.nimbusds.jose.jwk.gen.ECKeyGenerator;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.DirectoryStream;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.text.ParseException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Date;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.regex.Pattern;

/**
 * The small token issuer of the standalone and of tests: one EC P-256 signing key (ES256), made at first start and
 * kept in a directory ({@value #KEY_FILE}, readable by its owner only where the file system has POSIX permissions),
 * reused on every later start, so tokens minted before a restart still verify. It mints bearer JWTs for any caller
 * ({@code iss} {@value #ISSUER}, the user claim, the groups claim, {@code iat}, {@code exp}, a random {@code jti}),
 * writes one token file per configured user ({@code <directory>/tokens/<user>.jwt}), and shows its public key as a
 * JWKS. No secret is built in: whoever can read the directory can mint tokens, which is what a demo and a test need.
 *
 * <p>Other JVMs (the benchmarks, the chaos harness, tests of the standalone) mint with {@link #load(Path)} on the
 * directory a running request-service uses.
 */
public final class EmbeddedIssuer {

    /** The {@code iss} of every token the embedded issuer mints; request-service accepts no other in this mode. */
    public static final String ISSUER = "lapse-embedded";
    /** The signing key's file in the directory: a private JWK. */
    public static final String KEY_FILE = "signing-key.jwk";
    /** The directory of the token files, under the issuer's directory. */
    public static final String TOKENS_DIRECTORY = "tokens";

    /** A user id that is also a safe file name: letters, digits, and . _ @ + - (not first). */
    private static final Pattern USER_ID = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._@+-]{0,127}");

    private final Path directory;
    private final ECKey key;
    private final CallerClaims claims;
    private final Clock clock;

    private EmbeddedIssuer(Path directory, ECKey key, CallerClaims claims, Clock clock) {
        this.directory = directory;
        this.key = key;
        this.claims = claims;
        this.clock = clock;
    }

    /**
     * The issuer of {@code directory}: its key when there is one, otherwise a new key written there (if another
     * process writes one at the same moment, both use the one written first).
     *
     * @throws UncheckedIOException when the directory or the key cannot be written or read
     */
    public static EmbeddedIssuer openOrCreate(Path directory, CallerClaims claims, Clock clock) {
        Path keyFile = directory.resolve(KEY_FILE);
        try {
            if (!Files.exists(keyFile)) {
                OwnerOnlyFiles.createDirectory(directory);
                try {
                    OwnerOnlyFiles.create(keyFile, newKey().toJSONString());
                } catch (FileAlreadyExistsException anotherWasFaster) {
                    // Another instance on the same directory wrote its key first; both use that one.
                }
            }
            return new EmbeddedIssuer(directory, readKey(keyFile), claims, clock);
        } catch (IOException e) {
            throw new UncheckedIOException("the embedded issuer cannot keep its signing key in " + directory
                    + " (lapse.identity.embedded.directory): " + e.getMessage(), e);
        }
    }

    /**
     * The issuer whose key a request-service keeps in {@code directory}, with the default claims and the system
     * clock: for tools and tests in other JVMs that need a token.
     *
     * @throws IllegalStateException when there is no key there (yet)
     */
    public static EmbeddedIssuer load(Path directory) {
        return load(directory, CallerClaims.DEFAULT, Clock.systemUTC());
    }

    /** Like {@link #load(Path)}, with the claims the service is configured with and a clock. */
    public static EmbeddedIssuer load(Path directory, CallerClaims claims, Clock clock) {
        Path keyFile = directory.resolve(KEY_FILE);
        if (!Files.isRegularFile(keyFile)) {
            throw new IllegalStateException("no embedded issuer key at " + keyFile + ": request-service makes it at"
                    + " its first start with lapse.identity.embedded.directory=" + directory);
        }
        try {
            return new EmbeddedIssuer(directory, readKey(keyFile), claims, clock);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read the embedded issuer's key " + keyFile, e);
        }
    }

    /**
     * A signed token for {@code caller}, valid from now for {@code lifetime}.
     *
     * @throws IllegalArgumentException when the lifetime is not positive
     */
    public String mint(Caller caller, Duration lifetime) {
        if (lifetime.isNegative() || lifetime.isZero()) {
            throw new IllegalArgumentException("a token's lifetime must be positive, got " + lifetime);
        }
        Instant now = clock.instant();
        JWTClaimsSet.Builder body = new JWTClaimsSet.Builder()
                .issuer(ISSUER)
                .subject(caller.id())
                .claim(claims.groupsClaim(), new ArrayList<>(caller.groups()))
                .issueTime(Date.from(now))
                .expirationTime(Date.from(now.plus(lifetime)))
                .jwtID(UUID.randomUUID().toString());
        if (!"sub".equals(claims.userClaim())) {
            body.claim(claims.userClaim(), caller.id());
        }
        SignedJWT token = new SignedJWT(new JWSHeader.Builder(JWSAlgorithm.ES256).keyID(key.getKeyID())
                .type(JOSEObjectType.JWT).build(), body.build());
        try {
            token.sign(new ECDSASigner(key));
        } catch (JOSEException e) {
            throw new IllegalStateException("cannot sign a token with the embedded issuer's key", e);
        }
        return token.serialize();
    }

    /**
     * Writes a token of {@code lifetime} for each user to {@code <directory>/tokens/<user>.jwt} (readable by its
     * owner only), replacing the files of an earlier start, and deletes the token files of users no longer listed.
     *
     * @return the files written, in the users' order
     * @throws IllegalArgumentException when a user id is not a safe file name
     */
    public List<Path> writeTokens(Map<String, ? extends Collection<String>> users, Duration lifetime) {
        users.keySet().forEach(EmbeddedIssuer::requireFileSafe);
        Path tokens = directory.resolve(TOKENS_DIRECTORY);
        List<Path> written = new ArrayList<>();
        try {
            OwnerOnlyFiles.createDirectory(tokens);
            try (DirectoryStream<Path> old = Files.newDirectoryStream(tokens, "*.jwt")) {
                for (Path file : old) {
                    String user = file.getFileName().toString().replaceFirst("\\.jwt$", "");
                    if (!users.containsKey(user)) {
                        Files.deleteIfExists(file);
                    }
                }
            }
            for (Map.Entry<String, ? extends Collection<String>> user : users.entrySet()) {
                Path file = tokenFile(directory, user.getKey());
                OwnerOnlyFiles.replace(file, mint(Caller.of(user.getKey(), Set.copyOf(user.getValue())),
                        lifetime) + "\n");
                written.add(file);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write the token files in " + tokens, e);
        }
        return written;
    }

    /** Where the token file of {@code user} is written, in an issuer's {@code directory}. */
    public static Path tokenFile(Path directory, String user) {
        requireFileSafe(user);
        return directory.resolve(TOKENS_DIRECTORY).resolve(user + ".jwt");
    }

    /** Whether {@code user} can be the id of a configured user (it names its token file). */
    public static boolean isFileSafe(String user) {
        return USER_ID.matcher(user).matches() && !user.contains("..");
    }

    private static void requireFileSafe(String user) {
        if (!isFileSafe(user)) {
            throw new IllegalArgumentException("user id '" + user + "' must be letters, digits and . _ @ + - (not"
                    + " first, no '..'), at most 128 characters: it names the user's token file");
        }
    }

    /** The public signing key, as a JWK set: what {@code /.well-known/jwks.json} serves. */
    public Map<String, Object> jwks() {
        return new JWKSet(key.toPublicJWK()).toJSONObject();
    }

    /** The public signing key. */
    public JWK publicKey() {
        return key.toPublicJWK();
    }

    /** The key's id ({@code kid}): its JWK thumbprint. */
    public String keyId() {
        return key.getKeyID();
    }

    public Path directory() {
        return directory;
    }

    private static ECKey newKey() {
        try {
            return new ECKeyGenerator(Curve.P_256).keyUse(KeyUse.SIGNATURE).algorithm(JWSAlgorithm.ES256)
                    .keyIDFromThumbprint(true).generate();
        } catch (JOSEException e) {
            throw new IllegalStateException("cannot make an EC P-256 key", e);
        }
    }

    private static ECKey readKey(Path keyFile) throws IOException {
        try {
            ECKey key = ECKey.parse(Files.readString(keyFile));
            if (!key.isPrivate() || !Curve.P_256.equals(key.getCurve())) {
                throw new IllegalStateException("the embedded issuer's key " + keyFile + " is not a private EC P-256"
                        + " key; delete it to make a new one (tokens signed with the old key stop verifying)");
            }
            return key;
        } catch (ParseException e) {
            throw new IllegalStateException("the embedded issuer's key " + keyFile + " cannot be read ("
                    + e.getMessage() + "); delete it to make a new one (tokens signed with the old key stop verifying)",
                    e);
        }
    }
}
