package dev.mfa.notification;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import java.util.logging.Logger;
import org.jboss.logmanager.ExtLogRecord;

/**
 * Every log line written while open, with the service's own categories ({@code dev.mfa}) at the most verbose level:
 * what the no-secrets-in-logs tests search.
 */
public final class LogCapture implements AutoCloseable {

    private final List<String> lines = new CopyOnWriteArrayList<>();
    private final Handler handler = new Handler() {
        @Override
        public void publish(LogRecord record) {
            String message = record instanceof ExtLogRecord ext ? ext.getFormattedMessage() : record.getMessage();
            StringBuilder line =
                    new StringBuilder(record.getLoggerName()).append(' ').append(message);
            if (record.getThrown() != null) {
                StringWriter trace = new StringWriter();
                record.getThrown().printStackTrace(new PrintWriter(trace));
                line.append(' ').append(trace);
            }
            lines.add(line.toString());
        }

        @Override
        public void flush() {}

        @Override
        public void close() {}
    };
    private final Level previous;

    public LogCapture() {
        handler.setLevel(Level.ALL);
        Logger.getLogger("").addHandler(handler);
        Logger own = Logger.getLogger("dev.mfa");
        previous = own.getLevel();
        own.setLevel(Level.ALL);
    }

    /** The lines captured so far (formatted message, and the stack trace if any, after the logger name). */
    public List<String> lines() {
        return lines;
    }

    @Override
    public void close() {
        Logger.getLogger("").removeHandler(handler);
        Logger.getLogger("dev.mfa").setLevel(previous);
    }
}
