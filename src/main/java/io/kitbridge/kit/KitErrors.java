package io.kitbridge.kit;

import com.fasterxml.jackson.core.JacksonException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.kitbridge.common.Secrets;
import java.io.IOException;
import java.net.ConnectException;
import java.net.SocketException;
import java.net.SocketTimeoutException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.TimeoutException;

/** Turns HTTP responses and transport failures into {@link KitException}s. */
public final class KitErrors {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final int MAX_MESSAGE = 300;

    private KitErrors() {
    }

    public static KitException fromResponse(int status, String body, String retryAfterHeader) {
        List<String> messages = messagesOf(body);
        String joined = messages.isEmpty() ? abbreviate(body) : String.join("; ", messages);
        KitErrorKind kind = kindOf(status, joined);
        Duration retryAfter = parseRetryAfter(retryAfterHeader);
        String message = "Kit answered " + status + (joined.isBlank() ? "" : ": " + joined);
        return new KitException(kind, status, messages, retryAfter, message, null);
    }

    /** Anything thrown by the REST client that is not already a KitException. */
    public static KitException fromThrowable(Throwable error) {
        if (error instanceof KitException kit) {
            return kit;
        }
        for (Throwable t = error; t != null; t = t.getCause()) {
            if (t instanceof KitException kit) {
                return kit;
            }
            if (t instanceof JacksonException) {
                return new KitException(KitErrorKind.PROTOCOL, 200, List.of(), null,
                        "Kit sent a body that is not the JSON we expect: " + abbreviate(t.getMessage()), error);
            }
            if (t instanceof SocketTimeoutException || t instanceof TimeoutException
                    || t.getClass().getName().endsWith("TimeoutException")) {
                return new KitException(KitErrorKind.TRANSPORT, 0, List.of(), null, "Kit did not answer in time", error);
            }
            if (t instanceof ConnectException || t instanceof SocketException
                    || t.getClass().getName().endsWith("HttpClosedException")
                    || t.getClass().getName().endsWith("ConnectionPoolTooBusyException")) {
                return new KitException(KitErrorKind.TRANSPORT, 0, List.of(), null,
                        "connection to Kit failed: " + abbreviate(t.getMessage()), error);
            }
        }
        if (error instanceof IOException || hasCause(error, IOException.class)) {
            return new KitException(KitErrorKind.TRANSPORT, 0, List.of(), null,
                    "connection to Kit failed: " + abbreviate(error.getMessage()), error);
        }
        return new KitException(KitErrorKind.PROTOCOL, 0, List.of(), null,
                "unexpected failure calling Kit: " + error.getClass().getSimpleName() + ": " + abbreviate(error.getMessage()),
                error);
    }

    /** Kit sent 200/201 but no usable body. */
    public static KitException emptyBody(String operation) {
        return new KitException(KitErrorKind.PROTOCOL, 200, List.of(), null,
                "Kit answered " + operation + " with an empty body", null);
    }

    static KitErrorKind kindOf(int status, String message) {
        String lower = message == null ? "" : message.toLowerCase(Locale.ROOT);
        return switch (status) {
            case 400 -> KitErrorKind.BAD_REQUEST;
            case 401 -> lower.contains("expired") ? KitErrorKind.TOKEN_EXPIRED : KitErrorKind.UNAUTHORIZED;
            case 403 -> KitErrorKind.FORBIDDEN;
            case 404 -> KitErrorKind.NOT_FOUND;
            case 413 -> KitErrorKind.PAYLOAD_TOO_LARGE;
            case 422 -> KitErrorKind.UNPROCESSABLE;
            case 429 -> KitErrorKind.RATE_LIMITED;
            default -> status >= 500 ? KitErrorKind.SERVER_ERROR : KitErrorKind.BAD_REQUEST;
        };
    }

    /** Kit's error shapes: {"errors":[..]}, OAuth's {"error","error_description"}, or plain text / HTML. */
    static List<String> messagesOf(String body) {
        List<String> out = new ArrayList<>();
        if (body == null || body.isBlank() || !body.trim().startsWith("{")) {
            return out;
        }
        try {
            JsonNode node = JSON.readTree(body);
            JsonNode errors = node.get("errors");
            if (errors != null && errors.isArray()) {
                errors.forEach(e -> out.add(Secrets.redact(e.isTextual() ? e.asText() : e.toString())));
            } else if (errors != null && errors.isTextual()) {
                out.add(Secrets.redact(errors.asText()));
            }
            if (node.hasNonNull("error")) {
                String desc = node.hasNonNull("error_description") ? ": " + node.get("error_description").asText() : "";
                out.add(Secrets.redact(node.get("error").asText() + desc));
            }
        } catch (IOException notJson) {
            // a 429's "Retry later" or an HTML error page: keep the text, abbreviated
        }
        return out;
    }

    /** Retry-After as seconds or an HTTP date; null when absent or unparseable. */
    public static Duration parseRetryAfterHeader(String header) {
        return parseRetryAfter(header);
    }

    static Duration parseRetryAfter(String header) {
        if (header == null || header.isBlank()) {
            return null;
        }
        try {
            long seconds = Long.parseLong(header.trim());
            return seconds < 0 ? null : Duration.ofSeconds(seconds);
        } catch (NumberFormatException httpDate) {
            try {
                var at = java.time.ZonedDateTime.parse(header.trim(), java.time.format.DateTimeFormatter.RFC_1123_DATE_TIME);
                Duration d = Duration.between(java.time.Instant.now(), at.toInstant());
                return d.isNegative() ? Duration.ZERO : d;
            } catch (RuntimeException unparseable) {
                return null;
            }
        }
    }

    private static String abbreviate(String text) {
        if (text == null) {
            return "";
        }
        String flat = text.replaceAll("<[^>]*>", " ").replaceAll("\\s+", " ").trim();
        flat = Secrets.redact(flat);
        return flat.length() > MAX_MESSAGE ? flat.substring(0, MAX_MESSAGE) + "…" : flat;
    }

    private static boolean hasCause(Throwable error, Class<? extends Throwable> type) {
        for (Throwable t = error; t != null; t = t.getCause()) {
            if (type.isInstance(t)) {
                return true;
            }
        }
        return false;
    }
}
