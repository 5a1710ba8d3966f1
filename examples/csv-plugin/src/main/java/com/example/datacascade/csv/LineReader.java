package com.example.datacascade.csv;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CharsetDecoder;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.Arrays;

/**
 * Reads a file that may still be growing one complete line at a time, from any byte offset, and
 * says where each line ends so a source can later resume right after it. A last line without its
 * line break is held back until the break arrives ({@link #finish()} hands it out for a file that
 * is complete). Like {@code tail -F}, it notices when the file was truncated or replaced by a new
 * one ({@link #checkChange()}).
 *
 * <p>Lines are UTF-8; a trailing {@code \r} is dropped. A line that is not valid UTF-8 or longer
 * than {@link #MAX_LINE_BYTES} comes back with a {@linkplain Line#problem() problem} instead of
 * text, so a binary file can neither fill the heap nor stop the reader. Owned by one thread.
 */
final class LineReader implements AutoCloseable {
    /** Lines longer than this are reported as bad instead of being kept in memory. */
    static final int MAX_LINE_BYTES = 1 << 20;

    /**
     * One line.
     *
     * @param text      the line without its line break, or null if it could not be read
     * @param number    its line number in the file, from 1
     * @param endOffset the byte offset just after its line break: where reading resumes after it
     * @param problem   why the line could not be read, or null
     */
    record Line(String text, long number, long endOffset, String problem) {
    }

    /** What happened to the file since it was opened. */
    enum Change {
        /** Nothing a reader must react to. */
        NONE,
        /** It is shorter than what was already read: someone truncated it. */
        TRUNCATED,
        /** Its name now belongs to another file (log rotation, an editor saving a copy). */
        REPLACED
    }

    private final Path path;
    private final ByteBuffer buffer = ByteBuffer.allocate(64 * 1024);
    private final CharsetDecoder utf8 = StandardCharsets.UTF_8.newDecoder()
            .onMalformedInput(CodingErrorAction.REPORT)
            .onUnmappableCharacter(CodingErrorAction.REPORT);
    private FileChannel channel;
    private Object fileKey;
    /** File offset of the buffer's first byte. */
    private long bufferOffset;
    /** Next file offset to read into the buffer: everything before it was seen. */
    private long readOffset;
    /** Bytes of the line being assembled (its line break has not been seen yet). */
    private byte[] partial = new byte[256];
    private int partialLength;
    /** The line being assembled passed MAX_LINE_BYTES: its bytes are dropped, it is reported once complete. */
    private boolean overlong;
    /** Reading started in the middle of a line: its rest is handed out as an empty line. */
    private boolean midLine;
    private long lineNumber;

    LineReader(Path path) {
        this.path = path;
    }

    /**
     * Opens the file; returns false if it does not exist. Call {@link #seek} next.
     *
     * @throws IOException if it exists but cannot be read, or is a directory
     */
    boolean open() throws IOException {
        close();
        if (Files.isDirectory(path)) {
            throw new IOException(path + " is a directory, not a CSV file");
        }
        try {
            channel = FileChannel.open(path, StandardOpenOption.READ);
            fileKey = Files.readAttributes(path, BasicFileAttributes.class).fileKey();
        } catch (NoSuchFileException e) {
            close();
            return false;
        }
        return true;
    }

    /** Whether a file is open. */
    boolean isOpen() {
        return channel != null;
    }

    /** The open file's size in bytes now. */
    long size() throws IOException {
        return channel.size();
    }

    /** The open file's identity (device and inode on Unix), or null where the file system has none. */
    Object fileKey() {
        return fileKey;
    }

    /**
     * Continues reading at {@code offset}, counting the lines before it so line numbers stay
     * right. With {@code wholeLinesOnly}, if {@code offset} is in the middle of a line, the rest
     * of that line comes back as an empty line (so it still gets an end offset).
     */
    void seek(long offset, boolean wholeLinesOnly) throws IOException {
        long lines = 0;
        byte before = '\n';
        long at = 0;
        while (at < offset) {
            buffer.clear().limit((int) Math.min(buffer.capacity(), offset - at));
            int n = channel.read(buffer, at);
            if (n <= 0) {
                break;
            }
            byte[] a = buffer.array();
            for (int i = 0; i < n; i++) {
                if (a[i] == '\n') {
                    lines++;
                }
            }
            before = a[n - 1];
            at += n;
        }
        buffer.clear().limit(0);
        bufferOffset = offset;
        readOffset = offset;
        partialLength = 0;
        overlong = false;
        midLine = wholeLinesOnly && before != '\n';
        lineNumber = lines + 1;
    }

    /** The next complete line, or null if there is none yet. */
    Line next() throws IOException {
        while (true) {
            if (!buffer.hasRemaining() && !fill()) {
                return null;
            }
            byte[] a = buffer.array();
            int start = buffer.position();
            int limit = buffer.limit();
            int newline = start;
            while (newline < limit && a[newline] != '\n') {
                newline++;
            }
            keep(a, start, newline);
            if (newline == limit) {
                buffer.position(limit);
                continue;
            }
            buffer.position(newline + 1);
            return complete(bufferOffset + newline + 1);
        }
    }

    /**
     * The last line if it has no line break, for a file that is complete; else null. Call only
     * after {@link #next()} returned null.
     */
    Line finish() {
        return hasUnfinishedLine() ? complete(readOffset) : null;
    }

    /** Whether bytes after the last line break were read: a line not finished yet. */
    boolean hasUnfinishedLine() {
        return partialLength > 0 || overlong;
    }

    /** What happened to the file since it was opened; cheap enough for a few calls a second. */
    Change checkChange() throws IOException {
        Object current;
        try {
            current = Files.readAttributes(path, BasicFileAttributes.class).fileKey();
        } catch (NoSuchFileException e) {
            return Change.NONE; // renamed away or deleted: keep what is open until a new file appears
        }
        if (fileKey != null && current != null && !fileKey.equals(current)) {
            return Change.REPLACED;
        }
        return channel.size() < readOffset ? Change.TRUNCATED : Change.NONE;
    }

    private boolean fill() throws IOException {
        buffer.clear();
        int n = channel.read(buffer, readOffset);
        buffer.flip();
        if (n <= 0) {
            return false;
        }
        bufferOffset = readOffset;
        readOffset += n;
        return true;
    }

    private void keep(byte[] bytes, int from, int to) {
        int n = to - from;
        if (overlong || n == 0) {
            return;
        }
        if (partialLength + n > MAX_LINE_BYTES) {
            overlong = true;
            partialLength = 0;
            return;
        }
        if (partialLength + n > partial.length) {
            partial = Arrays.copyOf(partial, Math.max(partial.length * 2, partialLength + n));
        }
        System.arraycopy(bytes, from, partial, partialLength, n);
        partialLength += n;
    }

    private Line complete(long endOffset) {
        long number = lineNumber++;
        int length = partialLength;
        partialLength = 0;
        if (midLine) {
            midLine = false;
            overlong = false;
            return new Line("", number, endOffset, null); // the tail of a line that started before we did
        }
        if (overlong) {
            overlong = false;
            return new Line(null, number, endOffset, "line is longer than " + MAX_LINE_BYTES + " bytes");
        }
        if (length > 0 && partial[length - 1] == '\r') {
            length--;
        }
        try {
            return new Line(utf8.decode(ByteBuffer.wrap(partial, 0, length)).toString(), number, endOffset, null);
        } catch (CharacterCodingException e) {
            return new Line(null, number, endOffset, "line is not valid UTF-8");
        }
    }

    @Override
    public void close() throws IOException {
        FileChannel open = channel;
        channel = null;
        fileKey = null;
        if (open != null) {
            open.close();
        }
    }
}
