package dev.mfa.core.otp;

import java.security.SecureRandom;

/** Test double: a SecureRandom that always yields the same byte and counts requested bytes. */
final class FixedSecureRandom extends SecureRandom {

    private static final long serialVersionUID = 1L;

    private final byte value;
    private int bytesServed;

    FixedSecureRandom(int value) {
        this.value = (byte) value;
    }

    @Override
    public void nextBytes(byte[] bytes) {
        java.util.Arrays.fill(bytes, value);
        bytesServed += bytes.length;
    }

    int bytesServed() {
        return bytesServed;
    }
}
