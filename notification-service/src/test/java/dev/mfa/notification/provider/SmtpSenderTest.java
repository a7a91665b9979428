package dev.mfa.notification.provider;

import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.ext.mail.SMTPException;
import java.net.ConnectException;
import java.util.List;
import java.util.concurrent.CompletionException;
import org.junit.jupiter.api.Test;

class SmtpSenderTest {

    @Test
    void fiveHundredRepliesArePermanentFourHundredsAndTransportErrorsTemporary() {
        ProviderResult rejected = SmtpSender.classify(new SMTPException("550 no such user", 550, List.of("no"), true));
        assertThat(rejected.kind()).isEqualTo(ProviderResult.Kind.PERMANENT);
        assertThat(rejected.reason()).isEqualTo("rejected");
        assertThat(rejected.providerStatus()).isEqualTo("550");

        ProviderResult busy = SmtpSender.classify(
                new CompletionException(new SMTPException("421 busy", 421, List.of("busy"), false)));
        assertThat(busy.kind()).isEqualTo(ProviderResult.Kind.TEMPORARY);
        assertThat(busy.reason()).isEqualTo("smtp_421");

        assertThat(SmtpSender.classify(new RuntimeException(new ConnectException("refused")))
                        .reason())
                .isEqualTo("unavailable");
        assertThat(SmtpSender.classify(new io.smallrye.mutiny.TimeoutException())
                        .reason())
                .isEqualTo("timeout");
        assertThat(SmtpSender.classify(new IllegalStateException("closed")).kind())
                .isEqualTo(ProviderResult.Kind.TEMPORARY);
    }

    @Test
    void messageIdIsDerivedFromTheRequestId() {
        java.util.UUID id = java.util.UUID.fromString("00000000-0000-0000-0000-000000000042");
        assertThat(SmtpSender.messageId(id)).isEqualTo("<00000000-0000-0000-0000-000000000042@mfa-notification>");
    }
}
