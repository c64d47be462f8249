package io.dmremediation.cli;

import java.io.IOException;
import java.nio.file.AccessDeniedException;
import java.nio.file.FileSystemException;
import java.nio.file.NoSuchFileException;
import java.nio.file.NotDirectoryException;

/** Why a file could not be read, in the words of the shell ("No such file", "Permission denied"). */
final class InputFiles {

    private InputFiles() {
    }

    static String why(IOException e) {
        if (e instanceof NoSuchFileException) {
            return "No such file";
        }
        if (e instanceof AccessDeniedException) {
            return "Permission denied";
        }
        if (e instanceof NotDirectoryException) {
            return "Not a directory (a part of the path is a file)";
        }
        String m = e.getMessage() == null ? "" : e.getMessage();
        if (m.contains("Is a directory")) {
            return "Is a directory";
        }
        if (e instanceof FileSystemException fs && fs.getReason() != null) {
            return fs.getReason();
        }
        return m.isEmpty() ? e.getClass().getSimpleName() : m;
    }
}
