package dev.mfa.notification.provider;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.vonage.client.HttpConfig;
import com.vonage.client.VonageClient;
import com.vonage.client.sms.SmsSubmissionResponse;
import com.vonage.client.sms.SmsSubmissionResponseMessage;
import com.vonage.client.sms.messages.TextMessage;
import dev.mfa.notification.config.VonageConfig;
import jakarta.enterprise.context.ApplicationScoped;
import java.io.IOException;
import java.io.InterruptedIOException;
import java.net.SocketTimeoutException;
import java.util.List;
import org.jboss.logging.Logger;

/**
 * Sends one text through the Vonage Java SDK ({@code POST /sms/json}). Blocking: call it from a worker thread only.
 * Authenticates with api key and secret; the signature secret is deliberately not given to the client, because the
 * SDK's request signing logs the signed parameters (number and text) at INFO.
 */
@ApplicationScoped
public class VonageSender {

    private static final Logger LOG = Logger.getLogger(VonageSender.class);

    private final VonageClient client;
    private final VonageConfig config;

    public VonageSender(VonageConfig config) {
        this.config = config;
        this.client = VonageClient.builder()
                .apiKey(config.apiKey())
                .apiSecret(config.apiSecret())
                .httpConfig(HttpConfig.builder()
                        .baseUri(config.baseUri())
                        .timeoutMillis((int) config.timeout().toMillis())
                        .build())
                .build();
    }

    /**
     * @param to        E.164 number ({@code +14155550101}); sent as Vonage expects it, without the plus
     * @param clientRef our request id, echoed in the delivery receipt
     */
    public ProviderResult send(String to, String text, String clientRef) {
        TextMessage message = new TextMessage(config.from(), to.startsWith("+") ? to.substring(1) : to, text);
        message.setClientReference(clientRef);
        message.setStatusReportRequired(true);
        config.callbackUrl().filter(url -> !url.isBlank()).ifPresent(message::setCallbackUrl);
        SmsSubmissionResponse response;
        try {
            response = client.getSmsClient().submitMessage(message);
        } catch (RuntimeException e) {
            return transportFailure(e);
        }
        return classify(response);
    }

    static ProviderResult classify(SmsSubmissionResponse response) {
        List<SmsSubmissionResponseMessage> parts = response == null ? null : response.getMessages();
        if (parts == null || parts.isEmpty()) {
            // A 5xx with a JSON body that is not a submission answer ends up here.
            return ProviderResult.temporary("provider_unavailable", "empty");
        }
        String firstId = null;
        for (SmsSubmissionResponseMessage part : parts) {
            ProviderResult r = VonageStatuses.classify(part.getStatus());
            if (r.kind() != ProviderResult.Kind.ACCEPTED) {
                return r;
            }
            if (firstId == null) {
                firstId = part.getId();
            }
        }
        return ProviderResult.accepted(firstId);
    }

    /** The SDK wraps I/O errors and unparseable (e.g. HTTP 5xx) answers in runtime exceptions: all temporary. */
    static ProviderResult transportFailure(RuntimeException e) {
        Throwable cause = e;
        while (cause != null) {
            if (cause instanceof JsonProcessingException) {
                break; // an answer came but was not a submission response (HTTP 5xx page, proxy error)
            }
            if (cause instanceof SocketTimeoutException || cause instanceof InterruptedIOException) {
                return ProviderResult.temporary("timeout", "io");
            }
            if (cause instanceof IOException) {
                return ProviderResult.temporary("communication_failure", "io");
            }
            cause = cause.getCause();
        }
        // Only the class name: SDK messages may quote the provider's answer.
        LOG.debugf("provider call failed: %s", e.getClass().getSimpleName());
        return ProviderResult.temporary("provider_unavailable", "http");
    }
}
