package dev.lookout.app.security;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.util.Arrays;
import java.util.Base64;
import java.util.EnumSet;
import java.util.HexFormat;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * An API key as configured: its id (the only part of a key that is ever logged), the SHA-256 of
 * its token, and its scopes. The token itself is never stored; a presented token is hashed and
 * compared with every configured hash in constant time.
 *
 * <p>Configured as {@code <id>:<sha256-hex>:<scope>[,<scope>]}, e.g.
 * {@code ops:9f86d08...:read:users,read:alerts}. {@code lookout new-api-key} makes a token and
 * prints its line; the hash is also {@code printf %s "$TOKEN" | sha256sum}.
 */
public record ApiKey(String id, byte[] sha256, Set<Scope> scopes) {

    /** Tokens are {@code lk_} and 32 random bytes, base64url: hashing without a KDF is safe at this entropy. */
    public static final String TOKEN_PREFIX = "lk_";
    private static final SecureRandom RANDOM = new SecureRandom();

    public ApiKey {
        if (!id.matches("[A-Za-z0-9][A-Za-z0-9._-]{0,63}")) {
            throw new IllegalArgumentException("key id '" + id + "' must be 1-64 letters, digits, '.', '_' or '-'");
        }
        if (sha256.length != 32) {
            throw new IllegalArgumentException("key '" + id + "': the hash must be 64 hex digits (SHA-256)");
        }
        if (scopes.isEmpty()) {
            throw new IllegalArgumentException("key '" + id + "' has no scope");
        }
        sha256 = sha256.clone();
        scopes = Set.copyOf(scopes);
    }

    /**
     * Parses {@code <id>:<sha256-hex>:<scope>[,<scope>]}.
     *
     * @throws IllegalArgumentException saying what is wrong, without echoing the hash
     */
    public static ApiKey parse(final String spec) {
        final String[] parts = spec.trim().split(":", 3);
        if (parts.length != 3) {
            throw new IllegalArgumentException("an API key must look like <id>:<sha256-hex>:<scope>[,<scope>]");
        }
        final byte[] hash;
        try {
            hash = HexFormat.of().parseHex(parts[1].trim());
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("key '" + parts[0] + "': the hash must be 64 hex digits (SHA-256)");
        }
        final Set<Scope> scopes = EnumSet.noneOf(Scope.class);
        for (final String scope : parts[2].split(",")) {
            scopes.add(Scope.parse(scope));
        }
        return new ApiKey(parts[0].trim(), hash, scopes);
    }

    /** A new random token. */
    public static String newToken() {
        final byte[] secret = new byte[32];
        RANDOM.nextBytes(secret);
        return TOKEN_PREFIX + Base64.getUrlEncoder().withoutPadding().encodeToString(secret);
    }

    /** SHA-256 of a token's UTF-8 bytes. */
    public static byte[] hash(final String token) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(token.getBytes(StandardCharsets.UTF_8));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every JDK has SHA-256", e);
        }
    }

    /** The configuration line of a token with these id and scopes. */
    public static String spec(final String id, final String token, final Set<Scope> scopes) {
        return id + ":" + HexFormat.of().formatHex(hash(token)) + ":"
                + scopes.stream().map(Scope::label).collect(Collectors.joining(","));
    }

    /**
     * The key whose hash equals the token's, or null. Compares with every key, without stopping
     * early, so that the time taken does not say how many keys were tried.
     */
    public static ApiKey match(final List<ApiKey> keys, final String token) {
        final byte[] presented = hash(token);
        ApiKey found = null;
        for (final ApiKey key : keys) {
            if (MessageDigest.isEqual(key.sha256, presented) && found == null) {
                found = key;
            }
        }
        return found;
    }

    @Override
    public byte[] sha256() {
        return sha256.clone();
    }

    @Override
    public boolean equals(final Object other) {
        return other instanceof ApiKey key && id.equals(key.id) && Arrays.equals(sha256, key.sha256)
                && scopes.equals(key.scopes);
    }

    @Override
    public int hashCode() {
        return id.hashCode();
    }

    @Override
    public String toString() {
        return "ApiKey[" + id + " " + scopes.stream().map(Scope::label).sorted().toList() + "]";
    }
}
