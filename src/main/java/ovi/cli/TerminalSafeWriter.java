package ovi.cli;

import java.io.FilterWriter;
import java.io.IOException;
import java.io.Writer;

/**
 * Everything ovi prints passes through here, so that text it did not write itself (a config value, a tag
 * from AWS, an error message from a server) cannot drive the terminal: control characters other than
 * newline and tab, DEL, C1 controls and bidirectional overrides are shown escaped ({@code \x1b},
 * {@code \u202e}). ovi's own colours (SGR sequences, {@code ESC [ digits ; m}) pass; any other escape
 * sequence (clearing the screen, moving the cursor, setting the title, hyperlinks) is shown, not obeyed.
 * JSON output is already escaped by its writer and passes unchanged.
 */
public final class TerminalSafeWriter extends FilterWriter {
    /** An escape sequence seen so far, held until it is known to be a colour or not. */
    private final StringBuilder pending = new StringBuilder();

    TerminalSafeWriter(Writer out) {
        super(out);
    }

    @Override
    public void write(int c) throws IOException {
        char ch = (char) c;
        if (pending.length() > 0) {
            pending.append(ch);
            if (pending.length() == 2) {
                if (ch != '[') {
                    flushPendingEscaped();
                }
            } else if (ch == 'm') {
                out.write(pending.toString()); // a colour: ovi's own, and harmless
                pending.setLength(0);
            } else if (!(Character.isDigit(ch) || ch == ';') || pending.length() > 16) {
                flushPendingEscaped();
            }
            return;
        }
        if (ch == 0x1b) {
            pending.append(ch);
            return;
        }
        if (unsafe(ch)) {
            out.write(escape(ch));
        } else {
            out.write(ch);
        }
    }

    static boolean unsafe(char ch) {
        return (ch < 0x20 && ch != '\n' && ch != '\t') || ch == 0x7f || (ch >= 0x80 && ch < 0xa0)
                || (ch >= 0x202a && ch <= 0x202e) || (ch >= 0x2066 && ch <= 0x2069) || ch == 0x200e || ch == 0x200f;
    }

    static String escape(char ch) {
        return ch < 0x100 ? String.format("\\x%02x", (int) ch) : String.format("\\u%04x", (int) ch);
    }

    /** Text as it may be shown: the same escaping, for a single string. */
    static String clean(String s) {
        StringBuilder b = new StringBuilder(s.length());
        for (int i = 0; i < s.length(); i++) {
            char ch = s.charAt(i);
            b.append(unsafe(ch) || ch == 0x1b ? escape(ch) : String.valueOf(ch));
        }
        return b.toString();
    }

    private void flushPendingEscaped() throws IOException {
        String p = pending.toString();
        pending.setLength(0);
        for (int i = 0; i < p.length(); i++) {
            char ch = p.charAt(i);
            out.write(unsafe(ch) || ch == 0x1b ? escape(ch) : String.valueOf(ch));
        }
    }

    @Override
    public void write(char[] cbuf, int off, int len) throws IOException {
        write(new String(cbuf, off, len), 0, len);
    }

    @Override
    public void write(String str, int off, int len) throws IOException {
        // the common case, plain text: passed on whole
        if (pending.length() == 0 && plain(str, off, len)) {
            out.write(str, off, len);
            return;
        }
        for (int i = off; i < off + len; i++) {
            write(str.charAt(i));
        }
    }

    private static boolean plain(String s, int off, int len) {
        for (int i = off; i < off + len; i++) {
            char ch = s.charAt(i);
            if (ch == 0x1b || unsafe(ch)) {
                return false;
            }
        }
        return true;
    }

    @Override
    public void flush() throws IOException {
        out.flush();
    }

    @Override
    public void close() throws IOException {
        if (pending.length() > 0) {
            flushPendingEscaped();
        }
        out.close();
    }

    /** {@code w} behind the filter, as a PrintWriter that flushes on println like the one it wraps. */
    public static java.io.PrintWriter wrap(java.io.PrintWriter w) {
        return new java.io.PrintWriter(new TerminalSafeWriter(w), true);
    }
}
