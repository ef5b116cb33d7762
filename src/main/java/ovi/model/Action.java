package ovi.model;

import java.util.Locale;

/** What ovi will do about a diff. Only notify leaves AWS untouched. */
public enum Action {
    CREATE('+'), UPDATE('~'), DELETE('-'), NOTIFY('!'),
    /** Tag an existing resource the config declares with {@code adopt:} as this owner's; nothing else. */
    ADOPT('&');

    private final char symbol;

    Action(char symbol) {
        this.symbol = symbol;
    }

    public char symbol() {
        return symbol;
    }

    /** True for the actions that change AWS. */
    public boolean changes() {
        return this != NOTIFY;
    }

    public String key() {
        return name().toLowerCase(Locale.ROOT);
    }

    @Override
    public String toString() {
        return key();
    }
}
