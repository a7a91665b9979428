package dev.mfa.notification.domain;

/** Subject, plain text and HTML of one e-mail, as rendered from its template; the body stays out of logs. */
public record RenderedEmail(String subject, String text, String html) {
    @Override
    public String toString() {
        return "RenderedEmail[" + subject + "]";
    }
}
