package dev.mfa.notification.provider;

import static org.assertj.core.api.Assertions.assertThat;

import com.vonage.client.VonageResponseParseException;
import com.vonage.client.sms.MessageStatus;
import java.io.IOException;
import java.net.SocketTimeoutException;
import org.junit.jupiter.api.Test;

class VonageStatusesTest {

    @Test
    void temporaryStatusesAreRetriedOthersArePermanent() {
        for (int status : new int[] {1, 5, 10, 13}) {
            assertThat(VonageStatuses.classify(MessageStatus.fromInt(status)).kind())
                    .as("status %d", status)
                    .isEqualTo(ProviderResult.Kind.TEMPORARY);
        }
        for (int status : new int[] {2, 3, 4, 6, 7, 8, 9, 11, 12, 14, 15, 22, 23, 29, 32, 33, 999}) {
            assertThat(VonageStatuses.classify(MessageStatus.fromInt(status)).kind())
                    .as("status %d", status)
                    .isEqualTo(ProviderResult.Kind.PERMANENT);
        }
        assertThat(VonageStatuses.classify(MessageStatus.OK).kind()).isEqualTo(ProviderResult.Kind.ACCEPTED);
        assertThat(VonageStatuses.classify(MessageStatus.THROTTLED).reason()).isEqualTo("throttled");
        assertThat(VonageStatuses.classify(MessageStatus.NON_WHITELISTED_DESTINATION)
                        .reason())
                .isEqualTo("non_whitelisted_destination");
        assertThat(VonageStatuses.classify(MessageStatus.NUMBER_BARRED).reason())
                .isEqualTo("number_barred");
        assertThat(VonageStatuses.classify(MessageStatus.INVALID_MESSAGE).reason())
                .isEqualTo("invalid_number");
    }

    @Test
    void transportFailuresAreTemporary() {
        assertThat(VonageSender.transportFailure(new VonageResponseParseException("x", new SocketTimeoutException()))
                        .reason())
                .isEqualTo("timeout");
        assertThat(VonageSender.transportFailure(new VonageResponseParseException("x", new IOException()))
                        .reason())
                .isEqualTo("communication_failure");
        assertThat(VonageSender.transportFailure(new VonageResponseParseException("503"))
                        .kind())
                .isEqualTo(ProviderResult.Kind.TEMPORARY);
        assertThat(VonageSender.classify(null).kind()).isEqualTo(ProviderResult.Kind.TEMPORARY);
    }
}
