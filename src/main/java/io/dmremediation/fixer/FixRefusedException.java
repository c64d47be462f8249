package io.dmremediation.fixer;

/**
 * The fixer found something it does not expect and stops; at the point it is thrown nothing has been changed
 * (a backup that was already taken is kept: it holds the original state and is never harmful).
 */
final class FixRefusedException extends Exception {

    FixRefusedException(String message) {
        super(message);
    }
}
