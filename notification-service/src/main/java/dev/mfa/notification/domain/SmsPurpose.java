package dev.mfa.notification.domain;

/** Why a code is sent (design.md: SMS purposes); selects the text template. */
public enum SmsPurpose {
    ENROLLMENT,
    SIGN_IN
}
