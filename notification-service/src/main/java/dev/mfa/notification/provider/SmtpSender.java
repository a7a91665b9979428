package dev.mfa.notification.provider;

import dev.mfa.notification.config.EmailConfig;
import dev.mfa.notification.domain.RenderedEmail;
import io.quarkus.mailer.Mail;
import io.quarkus.mailer.reactive.ReactiveMailer;
import io.smallrye.mutiny.TimeoutException;
import io.vertx.ext.mail.SMTPException;
import jakarta.enterprise.context.ApplicationScoped;
import java.net.ConnectException;
import java.net.UnknownHostException;
import java.nio.channels.ClosedChannelException;
import java.util.UUID;

/**
 * One e-mail to the SMTP server ({@code quarkus.mailer.*}) through the reactive mailer, on the caller's (sender)
 * thread. The {@code Message-ID} is derived from the request id, so that a copy that reached the server twice (an
 * answer lost after the server took the mail) is recognisable as the same message. The answer is classified by the
 * SMTP reply code or the transport error; an exception's message is never kept (a server may quote the address).
 */
@ApplicationScoped
public class SmtpSender {

    private final ReactiveMailer mailer;
    private final EmailConfig config;

    public SmtpSender(ReactiveMailer mailer, EmailConfig config) {
        this.mailer = mailer;
        this.config = config;
    }

    public ProviderResult send(String to, RenderedEmail rendered, UUID requestId) {
        Mail mail = Mail.withText(to, rendered.subject(), rendered.text())
                .setHtml(rendered.html())
                .addHeader("Message-ID", messageId(requestId));
        try {
            mailer.send(mail).await().atMost(config.sendTimeout());
            return ProviderResult.accepted(messageId(requestId));
        } catch (RuntimeException e) {
            return classify(e);
        }
    }

    public static String messageId(UUID requestId) {
        return "<" + requestId + "@mfa-notification>";
    }

    /**
     * 5xx replies are permanent ({@code rejected}); 4xx replies, refused or lost connections and timeouts are
     * temporary and retried with backoff.
     */
    public static ProviderResult classify(Throwable failure) {
        for (Throwable t = failure; t != null; t = t.getCause()) {
            if (t instanceof SMTPException smtp) {
                String code = Integer.toString(smtp.getReplyCode());
                return smtp.isPermanent()
                        ? ProviderResult.permanent("rejected", code)
                        : ProviderResult.temporary("smtp_" + code, code);
            }
            if (t instanceof TimeoutException || t instanceof java.util.concurrent.TimeoutException) {
                return ProviderResult.temporary("timeout", "timeout");
            }
            if (t instanceof ConnectException || t instanceof UnknownHostException) {
                return ProviderResult.temporary("unavailable", "connect");
            }
            if (t instanceof ClosedChannelException) {
                return ProviderResult.temporary("connection_closed", "io");
            }
        }
        return ProviderResult.temporary("io", "io");
    }
}
