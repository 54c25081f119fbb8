package io.mailgateway.envelope;

/** Control-character checks shared by the envelope classes: what may go into a header or an error message. */
final class Printable {

    private Printable() {
    }

    /**
     * C0 and C1 controls (CR, LF, TAB, NUL, NEL...) and the Unicode line and paragraph separators: anything a
     * header writer, a log reader or an SMTP peer might take as the end of a line.
     */
    static boolean isControl(int c) {
        return Character.getType(c) == Character.CONTROL || c == '\u2028' || c == '\u2029';
    }

    static boolean hasControl(String s) {
        return s.chars().anyMatch(Printable::isControl);
    }

    /** {@code s} with controls shown as '?' and cut to 200 characters, safe to put into an error message. */
    static String shown(String s) {
        StringBuilder out = new StringBuilder(Math.min(s.length(), 203));
        s.codePoints().limit(200).forEach(c -> out.appendCodePoint(isControl(c) ? '?' : c));
        return s.codePointCount(0, s.length()) > 200 ? out + "..." : out.toString();
    }
}
