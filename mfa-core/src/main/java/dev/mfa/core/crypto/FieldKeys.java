package dev.mfa.core.crypto;

import dev.mfa.core.crypto.FieldCipherException.Reason;
import java.util.Collections;
import java.util.EnumMap;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;

/**
 * The field keys one service holds: one {@link FieldCipher} per {@link KeyPurpose} it needs, plus, while old rows and
 * events exist, the single key set every service used to share ({@code legacy}), which only decrypts.
 *
 * <p>Associated data (agreed between services, docs/design.md): in events {@code <field>|<userId>}, at rest
 * {@code <field>|<userId>|<rowId>}. A legacy ciphertext is read with the context it was written with (none in events,
 * the row's old context at rest) and is re-sealed under the purpose key on the next write or by the service's
 * re-encryption job. Thread-safe.
 */
public final class FieldKeys {

    private final Map<KeyPurpose, FieldCipher> sets;
    private final FieldCipher legacy;

    /**
     * @param sets   purpose → cipher; every key id of a set must belong to its purpose ({@link KeyPurpose#owns})
     * @param legacy the old shared keys, decrypt only; null when none are configured
     */
    public FieldKeys(Map<KeyPurpose, FieldCipher> sets, FieldCipher legacy) {
        Objects.requireNonNull(sets, "sets");
        EnumMap<KeyPurpose, FieldCipher> copy = new EnumMap<>(KeyPurpose.class);
        sets.forEach((purpose, cipher) -> {
            for (String id : cipher.keyIds()) {
                if (!purpose.owns(id)) {
                    throw new FieldCipherException(
                            Reason.INVALID_KEY,
                            "Key id '" + id + "' of the " + purpose.prefix() + " key set must be '" + purpose.prefix()
                                    + "' or start with '" + purpose.prefix() + "-'");
                }
            }
            copy.put(purpose, cipher);
        });
        if (legacy != null) {
            for (String id : legacy.keyIds()) {
                if (KeyPurpose.ofKeyId(id).isPresent()) {
                    throw new FieldCipherException(
                            Reason.INVALID_KEY,
                            "Legacy field key id '" + id + "' looks like a purpose key id; rename it");
                }
            }
        }
        this.sets = Collections.unmodifiableMap(copy);
        this.legacy = legacy;
    }

    /**
     * Builds from configuration specs ({@code id:base64,...}; the first entry encrypts, every entry decrypts).
     * Blank or absent specs are skipped: the service then holds no key of that purpose.
     */
    public static FieldKeys fromSpecs(Map<KeyPurpose, Optional<String>> specs, Optional<String> legacySpec) {
        EnumMap<KeyPurpose, FieldCipher> sets = new EnumMap<>(KeyPurpose.class);
        specs.forEach((purpose, spec) -> spec.filter(s -> !s.isBlank())
                .ifPresent(s -> sets.put(purpose, FieldCipher.fromSpec(s, firstKeyId(s)))));
        FieldCipher legacy = legacySpec
                .filter(s -> !s.isBlank())
                .map(s -> FieldCipher.fromSpec(s, firstKeyId(s)))
                .orElse(null);
        return new FieldKeys(sets, legacy);
    }

    private static String firstKeyId(String spec) {
        for (String entry : spec.split(",")) {
            if (!entry.isBlank()) {
                int colon = entry.indexOf(':');
                return colon < 0 ? entry.trim() : entry.substring(0, colon).trim();
            }
        }
        return null;
    }

    /** The purposes this service holds keys for. */
    public Set<KeyPurpose> purposes() {
        return sets.keySet();
    }

    public boolean hasLegacy() {
        return legacy != null;
    }

    /** The ids of the legacy (decrypt-only) keys; empty when none are configured. */
    public Set<String> legacyKeyIds() {
        return legacy == null ? Set.of() : legacy.keyIds();
    }

    /** Seals a field for an event, bound to {@code <field>|<userId>}. */
    public String seal(SealedField field, String userId, String plaintext) {
        return cipherFor(field).encrypt(plaintext, eventContext(field, userId));
    }

    /** Opens a field of an event; a legacy ciphertext (the old shared key, no context) is still accepted. */
    public String open(SealedField field, String userId, String ciphertext) {
        return open(field, ciphertext, eventContext(field, userId), null);
    }

    /** Seals a field at rest, bound to {@code <field>|<userId>|<rowId>}. */
    public String sealAtRest(SealedField field, String userId, String rowId, String plaintext) {
        return cipherFor(field).encrypt(plaintext, restContext(field, userId, rowId));
    }

    /**
     * Opens a field at rest.
     *
     * @param legacyContext the context the row was written with under the legacy key (null for none)
     */
    public String openAtRest(SealedField field, String userId, String rowId, String ciphertext, String legacyContext) {
        return open(field, ciphertext, restContext(field, userId, rowId), legacyContext);
    }

    /** Whether {@code ciphertext} was written under the legacy shared key (and should be re-sealed). */
    public boolean isLegacy(String ciphertext) {
        return legacy != null
                && FieldCipher.keyIdOf(ciphertext)
                        .map(legacy.keyIds()::contains)
                        .orElse(false);
    }

    public static String eventContext(SealedField field, String userId) {
        return field.aadName() + "|" + Objects.requireNonNull(userId, "userId");
    }

    public static String restContext(SealedField field, String userId, String rowId) {
        return eventContext(field, userId) + "|" + Objects.requireNonNull(rowId, "rowId");
    }

    private String open(SealedField field, String ciphertext, String context, String legacyContext) {
        Optional<String> keyId = FieldCipher.keyIdOf(ciphertext);
        if (keyId.isEmpty()) {
            throw new FieldCipherException(Reason.MALFORMED, "Encrypted value must be v1:<keyId>:<base64>");
        }
        if (legacy != null && legacy.keyIds().contains(keyId.get())) {
            return legacy.decrypt(ciphertext, legacyContext);
        }
        if (!field.purpose().owns(keyId.get())) {
            // e.g. a TOTP ciphertext put where a phone is expected: refused before any key is tried
            throw new FieldCipherException(
                    Reason.UNKNOWN_KEY,
                    "A " + field.aadName() + " ciphertext must name a "
                            + field.purpose().prefix() + " key id");
        }
        return cipherFor(field).decrypt(ciphertext, context);
    }

    private FieldCipher cipherFor(SealedField field) {
        FieldCipher cipher = sets.get(field.purpose());
        if (cipher == null) {
            throw new FieldCipherException(
                    Reason.UNKNOWN_KEY,
                    "This service holds no " + field.purpose().prefix() + " key set");
        }
        return cipher;
    }

    @Override
    public String toString() {
        return "FieldKeys[sets=" + sets + ", legacy=" + legacy + "]";
    }
}
