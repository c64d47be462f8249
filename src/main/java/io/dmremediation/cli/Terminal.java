package io.dmremediation.cli;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/** Whether standard output is a terminal (a person reads it) or a pipe or file (a program does). */
final class Terminal {

    private Terminal() {
    }

    static boolean stdoutIsTerminal() {
        // Linux: what fd 1 points at; System.console() alone also needs stdin to be a terminal, which a paste
        // (pbpaste | diagnose) is not
        Path fd1 = Path.of("/proc/self/fd/1");
        if (Files.exists(fd1, java.nio.file.LinkOption.NOFOLLOW_LINKS)) {
            try {
                String target = Files.readSymbolicLink(fd1).toString();
                return target.startsWith("/dev/pts/") || target.startsWith("/dev/tty") || target.equals("/dev/console");
            } catch (IOException | UnsupportedOperationException e) {
                return false;
            }
        }
        return System.console() != null;
    }
}
