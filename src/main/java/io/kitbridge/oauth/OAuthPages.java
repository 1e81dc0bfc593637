package io.kitbridge.oauth;

import io.kitbridge.common.HttpApiResponse;
import io.kitbridge.common.Secrets;
import java.util.Map;

/**
 * The small HTML pages the browser sees. Everything echoed is escaped and redacted; no page ever carries
 * a token, a code, a state or the client secret. no-referrer keeps the callback URL (with its code) from
 * leaking to any link followed from the page.
 */
final class OAuthPages {
    private static final int MAX_ECHO = 300;
    private static final Map<String, String> HEADERS = Map.of(
            "content-type", "text/html; charset=utf-8",
            "cache-control", "no-store",
            "content-security-policy", "default-src 'none'; style-src 'unsafe-inline'; frame-ancestors 'none'",
            "x-content-type-options", "nosniff",
            "referrer-policy", "no-referrer");

    private OAuthPages() {
    }

    static HttpApiResponse page(int status, String title, String message) {
        String html = "<!doctype html>\n<html lang=\"en\"><head><meta charset=\"utf-8\"><title>kitbridge: " + escape(title)
                + "</title><style>body{font-family:system-ui,sans-serif;max-width:40rem;margin:4rem auto;padding:0 1rem}"
                + "</style></head>\n<body><h1>" + escape(title) + "</h1>\n<p>" + escape(message) + "</p></body></html>\n";
        return new HttpApiResponse(status, HEADERS, html, false);
    }

    /** HTML-escapes (and redacts, abbreviates) text that may come from the request or from Kit. */
    static String escape(String text) {
        if (text == null) {
            return "";
        }
        String s = Secrets.redact(text);
        if (s.length() > MAX_ECHO) {
            s = s.substring(0, MAX_ECHO) + "…";
        }
        StringBuilder out = new StringBuilder(s.length() + 16);
        for (char ch : s.toCharArray()) {
            switch (ch) {
                case '&' -> out.append("&amp;");
                case '<' -> out.append("&lt;");
                case '>' -> out.append("&gt;");
                case '"' -> out.append("&quot;");
                case '\'' -> out.append("&#39;");
                default -> out.append(ch < 0x20 && ch != '\n' && ch != '\t' ? ' ' : ch);
            }
        }
        return out.toString();
    }
}
