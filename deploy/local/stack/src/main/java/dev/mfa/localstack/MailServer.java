package dev.mfa.localstack;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.datatype.jsr310.JavaTimeModule;
import com.icegreen.greenmail.store.FolderException;
import com.icegreen.greenmail.user.GreenMailUser;
import com.icegreen.greenmail.util.GreenMail;
import com.icegreen.greenmail.util.ServerSetup;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import jakarta.mail.BodyPart;
import jakarta.mail.Multipart;
import jakarta.mail.Part;
import jakarta.mail.internet.MimeMessage;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

/**
 * The local/test mail server (CONTRACT §1): a real SMTP server (GreenMail) that keeps what it receives, and a small
 * HTTP API on the side. Runs standalone (the local stack: SMTP 2525, HTTP 8025, bound to 127.0.0.1) or in-process
 * from a test:
 *
 * <pre>
 * MailServer mail = new MailServer(0, 0).start();   // 0 = free ports
 * ... point the mailer at 127.0.0.1:mail.smtpPort() ...
 * mail.mails(); mail.stopSmtp(); mail.startSmtp(); mail.stop();
 * </pre>
 *
 * <p>HTTP: {@code GET /_stub/mails[?to=]} ({@code [{"to","subject","text","receivedAt",...}]}, newest last, one
 * entry per recipient), {@code DELETE /_stub/mails}, {@code GET /_stub/smtp} ({@code {"running"}}),
 * {@code PUT /_stub/smtp?running=false|true} (stops or restarts the SMTP listener on the same port: an outage with
 * refused connections, for fault tests), {@code GET /_stub/health}. What was received survives an SMTP restart.
 */
public final class MailServer implements AutoCloseable {

    public static final int DEFAULT_SMTP_PORT = 2525;
    public static final int DEFAULT_HTTP_PORT = 8025;

    private static final ObjectMapper JSON = new ObjectMapper()
            .registerModule(new JavaTimeModule())
            .disable(SerializationFeature.WRITE_DATES_AS_TIMESTAMPS);

    private final String bind;
    private final int requestedSmtpPort;
    private final int requestedHttpPort;
    private final Clock clock;
    private final List<StubMail> mails = new CopyOnWriteArrayList<>();
    private int smtpPort;
    private GreenMail greenMail;
    private HttpServer http;
    private ExecutorService executor;

    /** A server that will listen on 127.0.0.1 at these ports (0 = a free port) once {@link #start()}ed. */
    public MailServer(int smtpPort, int httpPort) {
        this("127.0.0.1", smtpPort, httpPort, Clock.systemUTC());
    }

    public MailServer(String bind, int smtpPort, int httpPort, Clock clock) {
        this.bind = bind;
        this.requestedSmtpPort = smtpPort;
        this.requestedHttpPort = httpPort;
        this.clock = clock;
    }

    public synchronized MailServer start() throws IOException {
        if (http != null) {
            return this;
        }
        InetAddress address = InetAddress.getByName(bind);
        // GreenMail needs a concrete port; keeping it makes a restart after an outage come back where clients look.
        smtpPort = requestedSmtpPort != 0 ? requestedSmtpPort : freePort(address);
        startSmtp();
        executor = Executors.newFixedThreadPool(2, r -> {
            Thread t = new Thread(r, "mail-server-http");
            t.setDaemon(true);
            return t;
        });
        http = HttpServer.create(new InetSocketAddress(address, requestedHttpPort), 50);
        http.setExecutor(executor);
        http.createContext("/_stub/mails", this::handleMails);
        http.createContext("/_stub/smtp", this::handleSmtp);
        http.createContext("/_stub/health", ex -> respond(ex, 200, "{\"status\":\"UP\"}"));
        http.createContext("/", ex -> respond(ex, 404, "{\"error\":\"not found\"}"));
        http.start();
        return this;
    }

    /** Starts (or restarts) the SMTP listener on its port. */
    public synchronized void startSmtp() {
        if (greenMail != null) {
            return;
        }
        GreenMail gm = new GreenMail(new ServerSetup(smtpPort, bind, ServerSetup.PROTOCOL_SMTP));
        // Every recipient's copy goes to one sink mailbox: GreenMail's default creates a user per address and logs
        // the address (and would keep every copy); what the API lists is recorded here.
        GreenMailUser sink = gm.setUser("sink@mail-server.local", "sink", "sink");
        gm.getUserManager().setMessageDeliveryHandler((message, recipient) -> {
            record(message.getMessage(), recipient.getEmail());
            return sink;
        });
        gm.start();
        greenMail = gm;
    }

    /** Stops the SMTP listener (connections are refused until {@link #startSmtp()}); keeps what was received. */
    public synchronized void stopSmtp() {
        if (greenMail != null) {
            greenMail.stop();
            greenMail = null;
        }
    }

    public synchronized boolean smtpRunning() {
        return greenMail != null;
    }

    public synchronized void stop() {
        stopSmtp();
        if (http != null) {
            http.stop(0);
            executor.shutdownNow();
            http = null;
        }
    }

    @Override
    public void close() {
        stop();
    }

    public synchronized int smtpPort() {
        requireStarted();
        return smtpPort;
    }

    public synchronized int httpPort() {
        requireStarted();
        return http.getAddress().getPort();
    }

    /** Received mails, oldest first (one per recipient). */
    public List<StubMail> mails() {
        return List.copyOf(mails);
    }

    public List<StubMail> mailsTo(String to) {
        return mails.stream().filter(m -> m.to().equalsIgnoreCase(to)).toList();
    }

    public synchronized void clear() {
        mails.clear();
        if (greenMail != null) {
            try {
                greenMail.purgeEmailFromAllMailboxes();
            } catch (FolderException e) {
                throw new IllegalStateException("cannot purge the sink mailbox", e);
            }
        }
    }

    private void requireStarted() {
        if (http == null) {
            throw new IllegalStateException("not started");
        }
    }

    private void record(MimeMessage message, String to) {
        try {
            String[] parts = new String[2];
            collect(message, parts);
            String from =
                    message.getFrom() == null || message.getFrom().length == 0 ? null : message.getFrom()[0].toString();
            mails.add(new StubMail(
                    to, message.getSubject(), parts[0], clock.instant(), from, parts[1], message.getMessageID()));
        } catch (Exception e) {
            // Keep the entry even when the body cannot be parsed: a test then sees the mail and its subject-less form.
            mails.add(new StubMail(to, null, null, clock.instant(), null, null, null));
        }
    }

    /** parts[0] = first text/plain body, parts[1] = first text/html body. */
    private static void collect(Part part, String[] parts) throws Exception {
        if (part.isMimeType("text/plain") && parts[0] == null) {
            parts[0] = String.valueOf(part.getContent());
        } else if (part.isMimeType("text/html") && parts[1] == null) {
            parts[1] = String.valueOf(part.getContent());
        } else if (part.isMimeType("multipart/*")) {
            Multipart multipart = (Multipart) part.getContent();
            for (int i = 0; i < multipart.getCount(); i++) {
                BodyPart body = multipart.getBodyPart(i);
                collect(body, parts);
            }
        }
    }

    // ------------------------------------------------------------------------------------------ HTTP

    private void handleMails(HttpExchange ex) throws IOException {
        try (ex) {
            switch (ex.getRequestMethod().toUpperCase(Locale.ROOT)) {
                case "GET" -> {
                    String to = queryParam(ex, "to");
                    respond(ex, 200, JSON.writeValueAsString(to == null ? mails() : mailsTo(to)));
                }
                case "DELETE" -> {
                    clear();
                    ex.sendResponseHeaders(204, -1);
                }
                default -> respond(ex, 405, "{\"error\":\"method not allowed\"}");
            }
        }
    }

    private void handleSmtp(HttpExchange ex) throws IOException {
        try (ex) {
            switch (ex.getRequestMethod().toUpperCase(Locale.ROOT)) {
                case "GET" -> respond(ex, 200, "{\"running\":" + smtpRunning() + "}");
                case "PUT", "POST" -> {
                    String running = queryParam(ex, "running");
                    if (!"true".equals(running) && !"false".equals(running)) {
                        respond(ex, 400, "{\"error\":\"?running=true|false\"}");
                        return;
                    }
                    if (Boolean.parseBoolean(running)) {
                        startSmtp();
                    } else {
                        stopSmtp();
                    }
                    respond(ex, 200, "{\"running\":" + smtpRunning() + "}");
                }
                default -> respond(ex, 405, "{\"error\":\"method not allowed\"}");
            }
        }
    }

    private static String queryParam(HttpExchange ex, String name) {
        String q = ex.getRequestURI().getRawQuery();
        if (q == null) {
            return null;
        }
        for (String pair : q.split("&")) {
            int eq = pair.indexOf('=');
            String k = URLDecoder.decode(eq < 0 ? pair : pair.substring(0, eq), StandardCharsets.UTF_8);
            if (k.equals(name)) {
                return eq < 0 ? "" : URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8);
            }
        }
        return null;
    }

    private static void respond(HttpExchange ex, int status, String json) throws IOException {
        byte[] bytes = json.getBytes(StandardCharsets.UTF_8);
        ex.getResponseHeaders().set("Content-Type", "application/json");
        ex.sendResponseHeaders(status, bytes.length);
        try (OutputStream out = ex.getResponseBody()) {
            out.write(bytes);
        }
    }

    private static int freePort(InetAddress address) {
        try (ServerSocket socket = new ServerSocket(0, 1, address)) {
            return socket.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    // ------------------------------------------------------------------------------------------ main

    /**
     * <pre>java -cp STACK_CLASSPATH dev.mfa.localstack.MailServer [--smtp-port 2525] [--http-port 8025]
     *     [--bind 127.0.0.1]</pre>
     * Environment instead of options: {@code MAIL_SERVER_SMTP_PORT}, {@code MAIL_SERVER_HTTP_PORT},
     * {@code MAIL_SERVER_BIND}.
     */
    public static void main(String[] argv) throws Exception {
        Args args = Args.parse(argv);
        MailServer server = new MailServer(
                        args.get("bind", "MAIL_SERVER_BIND", "127.0.0.1"),
                        args.getInt("smtp-port", "MAIL_SERVER_SMTP_PORT", DEFAULT_SMTP_PORT),
                        args.getInt("http-port", "MAIL_SERVER_HTTP_PORT", DEFAULT_HTTP_PORT),
                        Clock.systemUTC())
                .start();
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime()
                .addShutdownHook(new Thread(
                        () -> {
                            server.stop();
                            stopped.countDown();
                        },
                        "mail-server-stop"));
        System.out.printf(
                "MailServer: SMTP on %s:%d, GET http://%s:%d/_stub/mails%n",
                server.bind, server.smtpPort(), server.bind, server.httpPort());
        System.out.printf("READY mail-server smtp=%d http=%d%n", server.smtpPort(), server.httpPort());
        System.out.flush();
        stopped.await();
    }
}
