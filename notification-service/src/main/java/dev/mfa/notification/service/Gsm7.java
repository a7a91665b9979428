package dev.mfa.notification.service;

/** GSM 03.38 default alphabet: what fits a 160-character single SMS segment without switching to UCS-2. */
public final class Gsm7 {

    /** Septets of one single-part GSM-7 message. */
    public static final int SINGLE_SEGMENT = 160;

    private static final String BASIC = "@£$¥èéùìòÇ\nØø\rÅåΔ_ΦΓΛΩΠΨΣΘΞÆæßÉ !\"#¤%&'()*+,-./0123456789:;<=>?"
            + "¡ABCDEFGHIJKLMNOPQRSTUVWXYZÄÖÑÜ§¿abcdefghijklmnopqrstuvwxyzäöñüà";
    /** Extension table: each costs an escape septet plus itself. */
    private static final String EXTENDED = "^{}\\[~]|€\f";

    private Gsm7() {}

    /** Septets needed for {@code text}, or -1 when a character is outside GSM-7 (the text would go as unicode). */
    public static int septets(String text) {
        int n = 0;
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (BASIC.indexOf(c) >= 0) {
                n++;
            } else if (EXTENDED.indexOf(c) >= 0) {
                n += 2;
            } else {
                return -1;
            }
        }
        return n;
    }

    /** Whether {@code text} goes as one GSM-7 segment. */
    public static boolean fitsOneSegment(String text) {
        int n = septets(text);
        return n >= 0 && n <= SINGLE_SEGMENT;
    }
}
