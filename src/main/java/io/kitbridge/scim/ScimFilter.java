package io.kitbridge.scim;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.function.Function;

/**
 * The SCIM filter subset kitbridge serves (RFC 7644 §3.4.2.2): {@code attr eq value} joined by {@code and} / {@code or},
 * with parentheses, where attr is one of the resource's filterable attributes; {@code emails[type eq "work"].value}
 * is accepted as a value path. Anything else is a 400 invalidFilter naming what is not supported.
 */
final class ScimFilter {
    private static final int MAX_LENGTH = 2000;
    private static final int MAX_TERMS = 50;
    private static final String CORE_USER = "urn:ietf:params:scim:schemas:core:2.0:user:";
    static final String CORE_GROUP = "urn:ietf:params:scim:schemas:core:2.0:group:";

    /** A parsed filter. */
    sealed interface Node permits Or, And, Eq {
    }

    record Or(List<Node> terms) implements Node {
    }

    record And(List<Node> terms) implements Node {
    }

    /**
     * {@code attr} is canonical lower case ("username", "emails.value", ...); {@code emailType} is the type of an
     * {@code emails[type eq "x"]} value path, else null; {@code value} is the literal as text (null for JSON null).
     */
    record Eq(String attr, String emailType, String value) implements Node {
    }

    private ScimFilter() {
    }

    /** Parses {@code text} allowing only {@code allowed} attributes (canonical lower-case names). */
    static Node parse(String text, Set<String> allowed) {
        if (text == null || text.isBlank()) {
            throw invalid("the filter is empty");
        }
        if (text.length() > MAX_LENGTH) {
            throw invalid("the filter is longer than " + MAX_LENGTH + " characters");
        }
        Parser p = new Parser(tokenize(text), allowed);
        Node node = p.or();
        if (p.pos < p.tokens.size()) {
            throw invalid("unexpected '" + p.tokens.get(p.pos).text + "'");
        }
        return node;
    }

    /** Evaluates against a resource: {@code values} gives an attribute's values, {@code caseExact} says how to compare. */
    static boolean matches(Node node, Function<String, List<String>> values, Set<String> caseExact) {
        if (node instanceof Or or) {
            return or.terms().stream().anyMatch(t -> matches(t, values, caseExact));
        }
        if (node instanceof And and) {
            return and.terms().stream().allMatch(t -> matches(t, values, caseExact));
        }
        Eq eq = (Eq) node;
        if (eq.emailType() != null && !"work".equalsIgnoreCase(eq.emailType())) {
            return false; // a Kit subscriber has one address, exposed as the primary work email
        }
        boolean exact = caseExact.contains(eq.attr());
        for (String v : values.apply(eq.attr())) {
            if (eq.value() == null ? v == null : v != null && (exact ? v.equals(eq.value()) : v.equalsIgnoreCase(eq.value()))) {
                return true;
            }
        }
        return false;
    }

    private static ScimError invalid(String detail) {
        return ScimError.badRequest("invalidFilter", detail);
    }

    // ---------------------------------------------------------------- tokens

    private enum Kind { WORD, STRING, OPEN, CLOSE, LBRACKET, RBRACKET }

    private record Token(Kind kind, String text) {
        boolean isWord(String w) {
            return kind == Kind.WORD && text.equalsIgnoreCase(w);
        }
    }

    private static List<Token> tokenize(String s) {
        List<Token> out = new ArrayList<>();
        int i = 0;
        while (i < s.length()) {
            char c = s.charAt(i);
            if (Character.isWhitespace(c)) {
                i++;
            } else if (c == '(' || c == ')' || c == '[' || c == ']') {
                out.add(new Token(c == '(' ? Kind.OPEN : c == ')' ? Kind.CLOSE : c == '[' ? Kind.LBRACKET : Kind.RBRACKET,
                        String.valueOf(c)));
                i++;
            } else if (c == '"') {
                StringBuilder sb = new StringBuilder();
                i++;
                boolean closed = false;
                while (i < s.length()) {
                    char d = s.charAt(i++);
                    if (d == '"') {
                        closed = true;
                        break;
                    }
                    if (d == '\\') {
                        if (i >= s.length()) {
                            break;
                        }
                        char e = s.charAt(i++);
                        switch (e) {
                            case 'n' -> sb.append('\n');
                            case 't' -> sb.append('\t');
                            case 'r' -> sb.append('\r');
                            case 'b' -> sb.append('\b');
                            case 'f' -> sb.append('\f');
                            case 'u' -> {
                                if (i + 4 > s.length()) {
                                    throw invalid("bad \\u escape in a string");
                                }
                                try {
                                    sb.append((char) Integer.parseInt(s.substring(i, i + 4), 16));
                                } catch (NumberFormatException bad) {
                                    throw invalid("bad \\u escape in a string");
                                }
                                i += 4;
                            }
                            default -> sb.append(e);
                        }
                    } else {
                        sb.append(d);
                    }
                }
                if (!closed) {
                    throw invalid("a string is not closed");
                }
                out.add(new Token(Kind.STRING, sb.toString()));
            } else {
                int start = i;
                while (i < s.length() && !Character.isWhitespace(s.charAt(i)) && "()[]\"".indexOf(s.charAt(i)) < 0) {
                    i++;
                }
                out.add(new Token(Kind.WORD, s.substring(start, i)));
            }
        }
        return out;
    }

    // ---------------------------------------------------------------- parser

    private static final class Parser {
        final List<Token> tokens;
        final Set<String> allowed;
        int pos;
        int terms;

        Parser(List<Token> tokens, Set<String> allowed) {
            this.tokens = tokens;
            this.allowed = allowed;
        }

        Token peek() {
            return pos < tokens.size() ? tokens.get(pos) : null;
        }

        Token next(String expected) {
            if (pos >= tokens.size()) {
                throw invalid("the filter ends where " + expected + " was expected");
            }
            return tokens.get(pos++);
        }

        Node or() {
            List<Node> terms = new ArrayList<>(List.of(and()));
            while (peek() != null && peek().isWord("or")) {
                pos++;
                terms.add(and());
            }
            return terms.size() == 1 ? terms.get(0) : new Or(terms);
        }

        Node and() {
            List<Node> terms = new ArrayList<>(List.of(unary()));
            while (peek() != null && peek().isWord("and")) {
                pos++;
                terms.add(unary());
            }
            return terms.size() == 1 ? terms.get(0) : new And(terms);
        }

        Node unary() {
            Token t = next("an attribute");
            if (t.kind() == Kind.OPEN) {
                Node inner = or();
                if (next("')'").kind() != Kind.CLOSE) {
                    throw invalid("expected ')'");
                }
                return inner;
            }
            if (t.isWord("not")) {
                throw invalid("'not' is not supported; supported: attribute eq value, and, or, parentheses");
            }
            if (t.kind() != Kind.WORD) {
                throw invalid("expected an attribute, found '" + t.text() + "'");
            }
            if (++terms > MAX_TERMS) {
                throw invalid("more than " + MAX_TERMS + " comparisons");
            }
            String attr = canonical(t.text());
            String emailType = null;
            if (peek() != null && peek().kind() == Kind.LBRACKET) {
                pos++;
                emailType = valuePathType(attr);
                Token sub = peek();
                if (sub == null || sub.kind() != Kind.WORD || !sub.text().startsWith(".")) {
                    throw invalid("expected '.value' after ']'");
                }
                pos++;
                attr = attr + sub.text().toLowerCase(Locale.ROOT);
            }
            if ("emails".equals(attr)) {
                attr = "emails.value";
            }
            if (!allowed.contains(attr)) {
                throw invalid("filtering on '" + t.text() + "' is not supported; supported attributes: " + allowed);
            }
            Token op = next("an operator");
            if (op.kind() != Kind.WORD) {
                throw invalid("expected an operator after '" + t.text() + "'");
            }
            if (!op.isWord("eq")) {
                throw invalid("operator '" + op.text() + "' is not supported; only 'eq' (with 'and', 'or')");
            }
            Token value = next("a value");
            String literal;
            if (value.kind() == Kind.STRING) {
                literal = value.text();
            } else if (value.kind() == Kind.WORD && (value.isWord("true") || value.isWord("false"))) {
                literal = value.text().toLowerCase(Locale.ROOT);
            } else if (value.isWord("null")) {
                literal = null;
            } else if (value.kind() == Kind.WORD && value.text().matches("-?\\d+(\\.\\d+)?([eE][+-]?\\d+)?")) {
                literal = value.text();
            } else {
                throw invalid("expected a value (a \"string\", true, false, null or a number), found '" + value.text() + "'");
            }
            return new Eq(attr, emailType, literal);
        }

        /** The inside of {@code emails[type eq "work"]}: only that shape is supported. */
        String valuePathType(String attr) {
            if (!"emails".equals(attr)) {
                throw invalid("value filters ([...]) are supported on emails only");
            }
            Token type = next("'type'");
            Token eq = next("'eq'");
            Token value = next("a string");
            Token close = next("']'");
            if (!type.isWord("type") || !eq.isWord("eq") || value.kind() != Kind.STRING || close.kind() != Kind.RBRACKET) {
                throw invalid("only emails[type eq \"...\"] is supported inside [...]");
            }
            return value.text();
        }

        static String canonical(String name) {
            String lower = name.toLowerCase(Locale.ROOT);
            if (lower.startsWith(CORE_USER)) {
                lower = lower.substring(CORE_USER.length());
            } else if (lower.startsWith(CORE_GROUP)) {
                lower = lower.substring(CORE_GROUP.length());
            }
            return lower;
        }
    }
}
