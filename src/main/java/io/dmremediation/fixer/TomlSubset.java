package io.dmremediation.fixer;

import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A strict parser for the part of TOML that DM's {@code relay.meta} uses (BurntSushi/toml encoding of
 * {@code LocalMeta}): top-level {@code key = value} lines with bare keys, basic and literal strings (with TOML's
 * escapes), decimal integers and booleans, comments and blank lines. Anything else (tables, arrays, floats, dates,
 * multi-line strings, duplicate keys, invalid UTF-8) is an error: a file we do not fully understand is not edited.
 */
public final class TomlSubset {

    /** The file is not in the subset; the message names the line. */
    public static final class ParseException extends Exception {
        ParseException(int line, String message) {
            super("line " + line + ": " + message);
        }

        ParseException(String message) {
            super(message);
        }
    }

    private TomlSubset() {
    }

    public static TomlDocument parse(byte[] bytes) throws ParseException {
        String text;
        try {
            text = StandardCharsets.UTF_8.newDecoder()
                    .onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT)
                    .decode(ByteBuffer.wrap(bytes)).toString();
        } catch (CharacterCodingException e) {
            throw new ParseException("not valid UTF-8");
        }
        return parse(text);
    }

    public static TomlDocument parse(String text) throws ParseException {
        if (text.startsWith("\uFEFF")) {
            throw new ParseException("starts with a byte-order mark; DM does not write one");
        }
        List<String> lines = new ArrayList<>();
        List<String> terminators = new ArrayList<>();
        int start = 0;
        while (start <= text.length()) {
            int nl = text.indexOf('\n', start);
            if (nl < 0) {
                if (start < text.length()) {
                    lines.add(text.substring(start));
                    terminators.add("");
                }
                break;
            }
            String line = text.substring(start, nl);
            if (line.endsWith("\r")) {
                lines.add(line.substring(0, line.length() - 1));
                terminators.add("\r\n");
            } else {
                lines.add(line);
                terminators.add("\n");
            }
            start = nl + 1;
        }
        Map<String, TomlDocument.Entry> entries = new LinkedHashMap<>();
        for (int i = 0; i < lines.size(); i++) {
            new LineParser(lines.get(i), i, entries).parse();
        }
        return new TomlDocument(lines, terminators, entries);
    }

    private static final class LineParser {
        private final String s;
        private final int index;
        private final Map<String, TomlDocument.Entry> entries;
        private int p;

        LineParser(String s, int index, Map<String, TomlDocument.Entry> entries) {
            this.s = s;
            this.index = index;
            this.entries = entries;
        }

        void parse() throws ParseException {
            skipSpace();
            if (atEnd()) {
                return;
            }
            if (s.charAt(p) == '#') {
                comment();
                return;
            }
            if (s.charAt(p) == '[') {
                throw error("tables are not part of relay.meta");
            }
            int keyStart = p;
            while (!atEnd() && isBareKeyChar(s.charAt(p))) {
                p++;
            }
            if (p == keyStart) {
                throw error("expected a bare key, found '" + s.charAt(p) + "'");
            }
            String key = s.substring(keyStart, p);
            skipSpace();
            if (atEnd() || s.charAt(p) != '=') {
                throw error(atEnd() || s.charAt(p) != '.' ? "expected '=' after key " + key
                        : "dotted keys are not part of relay.meta");
            }
            p++;
            skipSpace();
            int valueStart = p;
            Object value = value();
            int valueEnd = p;
            skipSpace();
            if (!atEnd()) {
                if (s.charAt(p) == '#') {
                    comment();
                } else {
                    throw error("unexpected text after the value of " + key);
                }
            }
            if (entries.containsKey(key)) {
                throw error("duplicate key " + key);
            }
            entries.put(key, new TomlDocument.Entry(index, valueStart, valueEnd, value));
        }

        private Object value() throws ParseException {
            if (atEnd()) {
                throw error("missing value");
            }
            char c = s.charAt(p);
            if (c == '"') {
                if (s.startsWith("\"\"\"", p)) {
                    throw error("multi-line strings are not part of relay.meta");
                }
                return basicString();
            }
            if (c == '\'') {
                if (s.startsWith("'''", p)) {
                    throw error("multi-line strings are not part of relay.meta");
                }
                return literalString();
            }
            if (s.startsWith("true", p) && endsValue(p + 4)) {
                p += 4;
                return Boolean.TRUE;
            }
            if (s.startsWith("false", p) && endsValue(p + 5)) {
                p += 5;
                return Boolean.FALSE;
            }
            if (c == '+' || c == '-' || (c >= '0' && c <= '9')) {
                return integer();
            }
            throw error("unsupported value (only strings, integers and booleans are part of relay.meta)");
        }

        private Long integer() throws ParseException {
            int start = p;
            if (s.charAt(p) == '+' || s.charAt(p) == '-') {
                p++;
            }
            int digitsStart = p;
            StringBuilder digits = new StringBuilder();
            boolean lastUnderscore = false;
            while (!atEnd() && (Character.isDigit(s.charAt(p)) && s.charAt(p) < 128 || s.charAt(p) == '_')) {
                char c = s.charAt(p);
                if (c == '_') {
                    if (digits.length() == 0 || lastUnderscore) {
                        throw error("misplaced '_' in integer");
                    }
                    lastUnderscore = true;
                } else {
                    digits.append(c);
                    lastUnderscore = false;
                }
                p++;
            }
            if (digits.length() == 0 || lastUnderscore || !endsValue(p)) {
                throw error("not a decimal integer: " + s.substring(start, Math.min(s.length(), start + 30)));
            }
            if (digits.length() > 1 && digits.charAt(0) == '0' || s.charAt(digitsStart) == '_') {
                throw error("leading zeros are not allowed in integers");
            }
            try {
                return Long.parseLong((s.charAt(start) == '-' ? "-" : "") + digits);
            } catch (NumberFormatException e) {
                throw error("integer out of range");
            }
        }

        private String basicString() throws ParseException {
            p++;
            StringBuilder b = new StringBuilder();
            while (true) {
                if (atEnd()) {
                    throw error("unterminated string");
                }
                char c = s.charAt(p++);
                if (c == '"') {
                    return b.toString();
                }
                if (c == '\\') {
                    if (atEnd()) {
                        throw error("unterminated escape");
                    }
                    char e = s.charAt(p++);
                    switch (e) {
                        case 'b' -> b.append('\b');
                        case 't' -> b.append('\t');
                        case 'n' -> b.append('\n');
                        case 'f' -> b.append('\f');
                        case 'r' -> b.append('\r');
                        case '"' -> b.append('"');
                        case '\\' -> b.append('\\');
                        case 'u' -> b.appendCodePoint(unicode(4));
                        case 'U' -> b.appendCodePoint(unicode(8));
                        default -> throw error("invalid escape \\" + e);
                    }
                } else if (isControl(c)) {
                    throw error("control character in string");
                } else {
                    b.append(c);
                }
            }
        }

        private int unicode(int length) throws ParseException {
            if (p + length > s.length()) {
                throw error("short unicode escape");
            }
            String hex = s.substring(p, p + length);
            if (!hex.chars().allMatch(ch -> Character.digit(ch, 16) >= 0 && ch < 128)) {
                throw error("invalid unicode escape");
            }
            int cp = (int) Long.parseLong(hex, 16);
            if (cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF) || cp < 0) {
                throw error("invalid unicode scalar value in escape");
            }
            p += length;
            return cp;
        }

        private String literalString() throws ParseException {
            p++;
            int start = p;
            while (!atEnd() && s.charAt(p) != '\'') {
                if (isControl(s.charAt(p))) {
                    throw error("control character in string");
                }
                p++;
            }
            if (atEnd()) {
                throw error("unterminated string");
            }
            return s.substring(start, p++);
        }

        private void comment() throws ParseException {
            for (int i = p + 1; i < s.length(); i++) {
                if (isControl(s.charAt(i))) {
                    throw error("control character in comment");
                }
            }
            p = s.length();
        }

        private boolean endsValue(int at) {
            return at >= s.length() || s.charAt(at) == ' ' || s.charAt(at) == '\t' || s.charAt(at) == '#';
        }

        private void skipSpace() {
            while (!atEnd() && (s.charAt(p) == ' ' || s.charAt(p) == '\t')) {
                p++;
            }
        }

        private boolean atEnd() {
            return p >= s.length();
        }

        private static boolean isBareKeyChar(char c) {
            return c >= 'A' && c <= 'Z' || c >= 'a' && c <= 'z' || c >= '0' && c <= '9' || c == '_' || c == '-';
        }

        /** TOML forbids control characters other than tab in strings and comments. */
        private static boolean isControl(char c) {
            return c != '\t' && (c < 0x20 || c == 0x7f);
        }

        private ParseException error(String message) {
            return new ParseException(index + 1, message);
        }
    }
}
