package dev.mfa.localstack;

import com.fasterxml.jackson.annotation.JsonInclude;
import java.time.Instant;

/**
 * One e-mail the {@link MailServer} received, per recipient. {@code GET /_stub/mails} lists {@code to},
 * {@code subject}, {@code text}, {@code receivedAt} (CONTRACT §1) plus {@code from}, {@code html} and
 * {@code messageId} (the {@code Message-ID} header: a sender that sets it per request makes duplicates visible).
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record StubMail(
        String to, String subject, String text, Instant receivedAt, String from, String html, String messageId) {}
