package dev.lapse.request.identity;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.nimbusds.jose.JOSEObjectType;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.crypto.ECDSAVerifier;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class EmbeddedIssuerTest {

    private static final Instant T0 = Instant.parse("2026-11-23T09:00:00Z");
    private static final Clock CLOCK = Clock.fixed(T0, ZoneOffset.UTC);

    @TempDir
    Path temp;

    private Path directory() {
        return temp.resolve("identity");
    }

    private static boolean verifies(String token, EmbeddedIssuer issuer) throws Exception {
        return SignedJWT.parse(token).verify(new ECDSAVerifier(issuer.publicKey().toECKey()));
    }

    @Test
    void openOrCreate_atFirstStart_makesAKeyOnlyItsOwnerReads() throws Exception {
        EmbeddedIssuer issuer = EmbeddedIssuer.openOrCreate(directory(), CallerClaims.DEFAULT, CLOCK);

        Path keyFile = directory().resolve(EmbeddedIssuer.KEY_FILE);
        assertThat(keyFile).isRegularFile();
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(keyFile))).isEqualTo("rw-------");
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(directory()))).isEqualTo("rwx------");
        assertThat(issuer.keyId()).isNotBlank();
        assertThat(directory()).isDirectoryContaining(path -> path.getFileName().toString()
                .equals(EmbeddedIssuer.KEY_FILE)).isDirectoryNotContaining("glob:**.tmp");
    }

    @Test
    void openOrCreate_atALaterStart_reusesTheKey_soTokensMintedBeforeStillVerify() throws Exception {
        EmbeddedIssuer first = EmbeddedIssuer.openOrCreate(directory(), CallerClaims.DEFAULT, CLOCK);
        String before = first.mint(Caller.of("alice", Set.of("support")), Duration.ofHours(1));

        EmbeddedIssuer restarted = EmbeddedIssuer.openOrCreate(directory(), CallerClaims.DEFAULT, CLOCK);

        assertThat(restarted.keyId()).isEqualTo(first.keyId());
        assertThat(verifies(before, restarted)).isTrue();
    }

    @Test
    void openOrCreate_whenTwoStartAtOnce_bothUseOneKey() throws Exception {
        CountDownLatch go = new CountDownLatch(1);
        List<CompletableFuture<EmbeddedIssuer>> starts = List.of(1, 2, 3, 4).stream()
                .map(i -> CompletableFuture.supplyAsync(() -> {
                    try {
                        go.await();
                    } catch (InterruptedException e) {
                        throw new IllegalStateException(e);
                    }
                    return EmbeddedIssuer.openOrCreate(directory(), CallerClaims.DEFAULT, CLOCK);
                })).toList();
        go.countDown();

        assertThat(starts.stream().map(CompletableFuture::join).map(EmbeddedIssuer::keyId).distinct()).hasSize(1);
        assertThat(EmbeddedIssuer.load(directory()).keyId()).isEqualTo(starts.get(0).join().keyId());
    }

    @Test
    void mint_signsTheCallerWithItsGroupsAndALifetime() throws Exception {
        EmbeddedIssuer issuer = EmbeddedIssuer.openOrCreate(directory(), CallerClaims.DEFAULT, CLOCK);

        SignedJWT token = SignedJWT.parse(issuer.mint(Caller.of("alice", Set.of("support", "oncall")),
                Duration.ofMinutes(30)));

        assertThat(token.verify(new ECDSAVerifier(issuer.publicKey().toECKey()))).isTrue();
        assertThat(token.getHeader().getAlgorithm()).isEqualTo(JWSAlgorithm.ES256);
        assertThat(token.getHeader().getKeyID()).isEqualTo(issuer.keyId());
        assertThat(token.getHeader().getType()).isEqualTo(JOSEObjectType.JWT);
        JWTClaimsSet claims = token.getJWTClaimsSet();
        assertThat(claims.getIssuer()).isEqualTo(EmbeddedIssuer.ISSUER);
        assertThat(claims.getSubject()).isEqualTo("alice");
        assertThat(claims.getStringListClaim("groups")).containsExactly("oncall", "support");
        assertThat(claims.getIssueTime().toInstant()).isEqualTo(T0);
        assertThat(claims.getExpirationTime().toInstant()).isEqualTo(T0.plus(Duration.ofMinutes(30)));
        assertThat(claims.getJWTID()).isNotBlank();
    }

    @Test
    void mint_withConfiguredClaims_namesTheCallerInThoseClaims() throws Exception {
        EmbeddedIssuer issuer = EmbeddedIssuer.openOrCreate(directory(), new CallerClaims("email", "roles"), CLOCK);

        JWTClaimsSet claims = SignedJWT.parse(issuer.mint(Caller.of("alice@example.com", Set.of("support")),
                Duration.ofMinutes(1))).getJWTClaimsSet();

        assertThat(claims.getSubject()).isEqualTo("alice@example.com");
        assertThat(claims.getStringClaim("email")).isEqualTo("alice@example.com");
        assertThat(claims.getStringListClaim("roles")).containsExactly("support");
        assertThat(new CallerClaims("email", "roles").caller(claims.getClaims()))
                .isEqualTo(Caller.of("alice@example.com", Set.of("support")));
    }

    @Test
    void mint_whenTheLifetimeIsNotPositive_refuses() {
        EmbeddedIssuer issuer = EmbeddedIssuer.openOrCreate(directory(), CallerClaims.DEFAULT, CLOCK);

        assertThatThrownBy(() -> issuer.mint(Caller.of("alice", Set.of()), Duration.ZERO))
                .hasMessage("a token's lifetime must be positive, got PT0S");
    }

    @Test
    void load_fromAnotherJvmsView_mintsTokensTheServicesKeyVerifies() throws Exception {
        EmbeddedIssuer service = EmbeddedIssuer.openOrCreate(directory(), CallerClaims.DEFAULT, CLOCK);

        String token = EmbeddedIssuer.load(directory()).mint(Caller.of("bench@example.com", Set.of("support")),
                Duration.ofMinutes(5));

        assertThat(verifies(token, service)).isTrue();
    }

    @Test
    void load_whenNoServiceMadeAKeyThere_saysHow() {
        assertThatThrownBy(() -> EmbeddedIssuer.load(directory()))
                .isInstanceOf(IllegalStateException.class)
                .hasMessage("no embedded issuer key at " + directory().resolve(EmbeddedIssuer.KEY_FILE)
                        + ": request-service makes it at its first start with lapse.identity.embedded.directory="
                        + directory());
    }

    @Test
    void openOrCreate_whenTheKeyFileIsDamaged_saysHowToRecover() throws Exception {
        Files.createDirectories(directory());
        Files.writeString(directory().resolve(EmbeddedIssuer.KEY_FILE), "{not a key");

        assertThatThrownBy(() -> EmbeddedIssuer.openOrCreate(directory(), CallerClaims.DEFAULT, CLOCK))
                .hasMessageContaining("cannot be read")
                .hasMessageContaining("delete it to make a new one (tokens signed with the old key stop verifying)");
    }

    @Test
    void writeTokens_writesOneOwnerOnlyTokenFilePerUser_andRemovesThoseOfUsersNoLongerListed() throws Exception {
        EmbeddedIssuer issuer = EmbeddedIssuer.openOrCreate(directory(), CallerClaims.DEFAULT, CLOCK);
        issuer.writeTokens(Map.of("mallory", List.of("support")), Duration.ofHours(1));
        Map<String, List<String>> users = new LinkedHashMap<>();
        users.put("alice", List.of("support"));
        users.put("admin", List.of("lapse-admins"));

        List<Path> written = issuer.writeTokens(users, Duration.ofHours(12));

        Path tokens = directory().resolve(EmbeddedIssuer.TOKENS_DIRECTORY);
        assertThat(written).containsExactly(tokens.resolve("alice.jwt"), tokens.resolve("admin.jwt"));
        assertThat(tokens.resolve("mallory.jwt")).doesNotExist();
        try (var files = Files.list(tokens)) {
            assertThat(files.map(path -> path.getFileName().toString()).sorted())
                    .containsExactly("admin.jwt", "alice.jwt");
        }
        SignedJWT alice = SignedJWT.parse(Files.readString(tokens.resolve("alice.jwt")).trim());
        assertThat(alice.verify(new ECDSAVerifier(issuer.publicKey().toECKey()))).isTrue();
        assertThat(alice.getJWTClaimsSet().getSubject()).isEqualTo("alice");
        assertThat(alice.getJWTClaimsSet().getExpirationTime().toInstant()).isEqualTo(T0.plus(Duration.ofHours(12)));
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(tokens.resolve("alice.jwt"))))
                .isEqualTo("rw-------");
        assertThat(EmbeddedIssuer.tokenFile(directory(), "alice")).isEqualTo(tokens.resolve("alice.jwt"));
    }

    @Test
    void writeTokens_whenAUserIdIsNoSafeFileName_refusesBeforeWritingAny() {
        EmbeddedIssuer issuer = EmbeddedIssuer.openOrCreate(directory(), CallerClaims.DEFAULT, CLOCK);

        assertThatThrownBy(() -> issuer.writeTokens(Map.of("../../etc/x", List.of()), Duration.ofHours(1)))
                .hasMessageStartingWith("user id '../../etc/x' must be letters, digits and . _ @ + -");
        assertThat(directory().resolve(EmbeddedIssuer.TOKENS_DIRECTORY)).doesNotExist();
    }

    @Test
    void jwks_showsThePublicKeyOnly() throws Exception {
        EmbeddedIssuer issuer = EmbeddedIssuer.openOrCreate(directory(), CallerClaims.DEFAULT, CLOCK);

        JWKSet published = JWKSet.parse(issuer.jwks());

        assertThat(published.getKeys()).singleElement().satisfies(key -> {
            assertThat(key.isPrivate()).isFalse();
            assertThat(key.getKeyID()).isEqualTo(issuer.keyId());
        });
        assertThat(verifies(issuer.mint(Caller.of("alice", Set.of()), Duration.ofMinutes(1)),
                issuer)).isTrue();
        @SuppressWarnings("unchecked")
        List<Map<String, Object>> keys = (List<Map<String, Object>>) issuer.jwks().get("keys");
        assertThat(keys).singleElement().satisfies(key -> assertThat(key).doesNotContainKey("d")
                .containsEntry("kty", "EC").containsEntry("crv", "P-256"));
    }
}
