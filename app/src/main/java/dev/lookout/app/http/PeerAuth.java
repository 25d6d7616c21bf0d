package dev.lookout.app.http;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.util.Base64;
import java.util.Map;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * The credential of instance-to-instance calls: an HMAC-SHA256, with the secret every instance
 * shares, over the method, the raw path and query, a timestamp and a nonce. The receiving instance
 * recomputes it and refuses the call (401) when it differs or is older than {@link #WINDOW}. A
 * request to {@code /internal/**} without it is refused, so forwarding never bypasses the public
 * routes' keys and scopes.
 *
 * <p>Written with the JDK's {@link Mac}: the scheme is a few lines, and a signing library would
 * bring a token format that neither side needs.
 */
final class PeerAuth {

    static final String TIMESTAMP = "X-Lookout-Timestamp";
    static final String NONCE = "X-Lookout-Nonce";
    static final String SIGNATURE = "X-Lookout-Signature";
    /** How far a signed call's timestamp may be from this instance's clock. */
    static final Duration WINDOW = Duration.ofSeconds(30);
    private static final String ALGORITHM = "HmacSHA256";
    private static final SecureRandom RANDOM = new SecureRandom();

    private final SecretKeySpec key;
    private final Clock clock;

    PeerAuth(final String secret, final Clock clock) {
        this.key = new SecretKeySpec(secret.getBytes(StandardCharsets.UTF_8), ALGORITHM);
        this.clock = clock;
    }

    /** The headers that sign a call of {@code method pathAndQuery} (the path already URL-encoded). */
    Map<String, String> sign(final String method, final String pathAndQuery) {
        final int question = pathAndQuery.indexOf('?');
        final String path = question < 0 ? pathAndQuery : pathAndQuery.substring(0, question);
        final String query = question < 0 ? "" : pathAndQuery.substring(question + 1);
        final String timestamp = Long.toString(clock.instant().getEpochSecond());
        final byte[] nonceBytes = new byte[16];
        RANDOM.nextBytes(nonceBytes);
        final String nonce = Base64.getUrlEncoder().withoutPadding().encodeToString(nonceBytes);
        final String signature = Base64.getUrlEncoder().withoutPadding()
                .encodeToString(mac(canonical(method, path, query, timestamp, nonce)));
        return Map.of(TIMESTAMP, timestamp, NONCE, nonce, SIGNATURE, signature);
    }

    /**
     * Why a call is not validly signed, or null when it is.
     *
     * @param rawPath the path as sent, not decoded
     * @param rawQuery the query as sent, or null
     */
    String refusal(final String method, final String rawPath, final String rawQuery, final String timestamp,
                   final String nonce, final String signature) {
        if (timestamp == null || nonce == null || signature == null) {
            return "the call is not signed";
        }
        final long seconds;
        try {
            seconds = Long.parseLong(timestamp);
        } catch (NumberFormatException e) {
            return "the signature's timestamp is not a number";
        }
        if (Math.abs(clock.instant().getEpochSecond() - seconds) > WINDOW.toSeconds()) {
            return "the signature's timestamp is more than " + WINDOW.toSeconds() + " s from this instance's clock";
        }
        final byte[] given;
        try {
            given = Base64.getUrlDecoder().decode(signature);
        } catch (IllegalArgumentException e) {
            return "the signature is not base64url";
        }
        final byte[] expected = mac(canonical(method, rawPath, rawQuery == null ? "" : rawQuery, timestamp, nonce));
        return MessageDigest.isEqual(expected, given) ? null : "the signature does not match";
    }

    private static String canonical(final String method, final String path, final String query, final String timestamp,
                                    final String nonce) {
        return String.join("\n", "LOOKOUT-HMAC-V1", method, path, query, timestamp, nonce);
    }

    private byte[] mac(final String data) {
        try {
            final Mac mac = Mac.getInstance(ALGORITHM);
            mac.init(key);
            return mac.doFinal(data.getBytes(StandardCharsets.UTF_8));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("every JDK has " + ALGORITHM, e);
        }
    }
}
