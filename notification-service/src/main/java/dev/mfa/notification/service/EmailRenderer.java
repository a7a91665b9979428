package dev.mfa.notification.service;

import dev.mfa.notification.config.EmailConfig;
import dev.mfa.notification.domain.EmailTemplate;
import dev.mfa.notification.domain.RenderedEmail;
import io.quarkus.qute.Engine;
import io.quarkus.qute.Template;
import io.quarkus.runtime.StartupEvent;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Renders a notice from {@code templates/mail/<name>.txt} and {@code .html} (both through one layout,
 * {@code mail/layout.txt} / {@code mail/layout.html}); Qute escapes every value in the HTML part. At startup every
 * template is rendered once with sample params, so a broken template stops the service instead of a send.
 */
@ApplicationScoped
public class EmailRenderer {

    private static final Map<String, String> SAMPLE = Map.of(
            "deadline",
            "2026-12-18",
            "daysLeft",
            "14",
            "method",
            "SMS",
            "phoneMasked",
            "+1 ••• ••• ••01",
            "at",
            "2026-12-04T10:15:30Z",
            "until",
            "2026-12-20",
            "lockedUserId",
            "sample-user");

    private final Engine engine;
    private final EmailConfig config;
    private final Map<EmailTemplate, Template[]> templates = new ConcurrentHashMap<>();

    public EmailRenderer(Engine engine, EmailConfig config) {
        this.engine = engine;
        this.config = config;
    }

    void check(@Observes StartupEvent ignored) {
        for (EmailTemplate t : EmailTemplate.values()) {
            Map<String, String> sample = new HashMap<>();
            t.required().forEach(k -> sample.put(k, SAMPLE.get(k)));
            t.optional().forEach(k -> sample.put(k, SAMPLE.get(k)));
            RenderedEmail r = render(t, sample);
            if (r.text().isBlank() || r.html().isBlank()) {
                throw new IllegalStateException("e-mail template " + t.id() + " renders empty");
            }
        }
    }

    /** {@code raw}: params as accepted by {@link EmailRules#params}. */
    public RenderedEmail render(EmailTemplate template, Map<String, String> raw) {
        Map<String, String> display = EmailRules.displayAll(template, raw);
        String subject = EmailRules.subject(config.brand(), template, display);
        Template[] pair = templates.computeIfAbsent(template, this::load);
        Map<String, Object> data =
                Map.of("p", display, "brand", config.brand(), "accountUrl", config.accountUrl(), "subject", subject);
        return new RenderedEmail(subject, pair[0].render(data), pair[1].render(data));
    }

    private Template[] load(EmailTemplate template) {
        Template text = engine.getTemplate("mail/" + template.id() + ".txt");
        Template html = engine.getTemplate("mail/" + template.id() + ".html");
        if (text == null || html == null) {
            throw new IllegalStateException("e-mail template " + template.id() + " needs a .txt and an .html file");
        }
        return new Template[] {text, html};
    }
}
