package io.kitbridge.sim;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;

/** Request/response value types used inside the simulator's HTTP layer. */
final class SimHttp {
    private SimHttp() {
    }

    static final String JSON = "application/json; charset=utf-8";

    /** Malformed request body: 400. */
    static final class BadJson extends RuntimeException {
        private static final long serialVersionUID = 1L;

        BadJson() {
            super("Request body is not valid JSON", null, false, false);
        }
    }

    static final class Req {
        final String method;
        final String path;
        final String[] segs;
        final String rawQuery;
        final Map<String, String> query;
        final byte[] body;
        final String contentType;
        final String credentialKind;
        /** The simulated Kit account the request's credential belongs to. */
        long kitAccountId;
        private final ObjectMapper mapper;
        private JsonNode json;

        Req(String method, String path, String rawQuery, byte[] body, String contentType, String credentialKind,
            ObjectMapper mapper) {
            this.method = method;
            this.path = path;
            String p = path.startsWith("/") ? path.substring(1) : path;
            if (p.endsWith("/")) {
                p = p.substring(0, p.length() - 1);
            }
            this.segs = p.isEmpty() ? new String[0] : p.split("/", -1);
            this.rawQuery = rawQuery;
            this.query = parseForm(rawQuery);
            this.body = body;
            this.contentType = contentType;
            this.credentialKind = credentialKind;
            this.mapper = mapper;
        }

        /** The JSON body; an empty body is an empty object. */
        JsonNode json() {
            if (json == null) {
                String s = new String(body, StandardCharsets.UTF_8).trim();
                if (s.isEmpty()) {
                    json = mapper.createObjectNode();
                } else {
                    try {
                        json = mapper.readTree(s);
                    } catch (java.io.IOException e) {
                        throw new BadJson();
                    }
                    if (json == null || !json.isObject()) {
                        throw new BadJson();
                    }
                }
            }
            return json;
        }

        String bodyText() {
            return new String(body, StandardCharsets.UTF_8);
        }
    }

    static final class Resp {
        final int status;
        final String contentType;
        final byte[] body;
        final Map<String, String> headers = new LinkedHashMap<>();
        boolean reset;

        Resp(int status, String contentType, byte[] body) {
            this.status = status;
            this.contentType = contentType;
            this.body = body;
        }

        static Resp empty(int status) {
            return new Resp(status, null, new byte[0]);
        }

        static Resp text(int status, String contentType, String body) {
            return new Resp(status, contentType, body.getBytes(StandardCharsets.UTF_8));
        }

        Resp header(String k, String v) {
            headers.put(k, v);
            return this;
        }
    }

    static Map<String, String> parseForm(String raw) {
        Map<String, String> m = new LinkedHashMap<>();
        if (raw == null || raw.isEmpty()) {
            return m;
        }
        for (String pair : raw.split("&")) {
            if (pair.isEmpty()) {
                continue;
            }
            int i = pair.indexOf('=');
            String k = i < 0 ? pair : pair.substring(0, i);
            String v = i < 0 ? "" : pair.substring(i + 1);
            try {
                k = URLDecoder.decode(k, StandardCharsets.UTF_8);
                v = URLDecoder.decode(v, StandardCharsets.UTF_8);
            } catch (IllegalArgumentException e) {
                // keep raw
            }
            m.putIfAbsent(k, v);
        }
        return m;
    }
}
