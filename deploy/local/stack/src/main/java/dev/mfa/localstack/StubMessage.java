package dev.mfa.localstack;

import com.fasterxml.jackson.annotation.JsonInclude;
import java.time.Instant;

/**
 * One SMS the {@link VonageStub} accepted. {@code GET /_stub/messages} lists {@code to}, {@code from}, {@code text},
 * {@code receivedAt} (CONTRACT §1) plus {@code messageId}, {@code type}, {@code clientRef} and {@code callback}.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record StubMessage(
        String to,
        String from,
        String text,
        Instant receivedAt,
        String messageId,
        String type,
        String clientRef,
        String callback) {}
