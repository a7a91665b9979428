package dev.mfa.notification.provider;

import com.vonage.client.sms.MessageStatus;

/**
 * Vonage SMS API submission statuses (developer.vonage.com "SMS API error codes") sorted into temporary and
 * permanent failures. Temporary: the provider could not take the message now (throttled, internal error, too many
 * binds, communication failure). Everything else is a property of the number, the account or our request, and
 * repeating the same request cannot help.
 */
public final class VonageStatuses {

    private VonageStatuses() {}

    public static ProviderResult classify(MessageStatus status) {
        String code = status == null ? "null" : Integer.toString(status.getMessageStatus());
        if (status == null) {
            return ProviderResult.permanent("provider_rejected", code);
        }
        return switch (status) {
            case OK -> ProviderResult.accepted(null);
            case THROTTLED -> ProviderResult.temporary("throttled", code);
            case INTERNAL_ERROR -> ProviderResult.temporary("provider_error", code);
            case TOO_MANY_BINDS -> ProviderResult.temporary("provider_busy", code);
            case COMMS_FAILURE -> ProviderResult.temporary("communication_failure", code);
            case INVALID_MESSAGE -> ProviderResult.permanent("invalid_number", code);
            case INVALID_PARAMS -> ProviderResult.permanent("invalid_parameters", code);
            case NUMBER_BARRED -> ProviderResult.permanent("number_barred", code);
            case NUMBER_DEACTIVATED -> ProviderResult.permanent("number_deactivated", code);
            case NUMBER_UNREACHABLE -> ProviderResult.permanent("number_unreachable", code);
            case NON_WHITELISTED_DESTINATION -> ProviderResult.permanent("non_whitelisted_destination", code);
            case PARTNER_ACCOUNT_BARRED -> ProviderResult.permanent("account_barred", code);
            case PARTNER_QUOTA_EXCEEDED -> ProviderResult.permanent("account_quota_exceeded", code);
            case MESSAGE_TOO_LONG -> ProviderResult.permanent("message_too_long", code);
            case MISSING_PARAMS,
                    INVALID_CREDENTIALS,
                    ACCOUNT_NOT_HTTP,
                    INVALID_SIGNATURE,
                    INVALID_FROM_ADDRESS,
                    INVALID_TTL,
                    TOO_MANY_DESTINATIONS,
                    FACILITY_NOT_ALLOWED,
                    INVALID_MESSAGE_CLASS,
                    INVALID_NETWORK_CODE,
                    INVALID_CALLBACK,
                    SIGNATURE_API_SECRET_DISALLOWED -> ProviderResult.permanent("provider_configuration", code);
            default -> ProviderResult.permanent("provider_rejected", code);
        };
    }
}
