package io.openledger.core;

import java.util.regex.Pattern;

/** Validation shared by the typed string identifiers. */
final class Identifiers {
    static final int MAX_LENGTH = 128;
    private static final Pattern ALLOWED = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._:/@+-]*");

    private Identifiers() {}

    static String check(String kind, String value) {
        if (value.length() > MAX_LENGTH || !ALLOWED.matcher(value).matches()) {
            throw new IllegalArgumentException(kind + " must be 1.." + MAX_LENGTH
                    + " characters of [A-Za-z0-9._:/@+-], starting with a letter or digit; got '" + value + "'");
        }
        return value;
    }
}
