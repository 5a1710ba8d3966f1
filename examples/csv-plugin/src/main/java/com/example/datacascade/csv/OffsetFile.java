package com.example.datacascade.csv;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;

/**
 * The sidecar {@code <file>.offset} where a {@code resume=true} source keeps the byte offset up to
 * which its file is durable in every sink, plus the file's identity, as a small text file:
 *
 * <pre>
 * # DataCascade csv source: every line of readings.csv before this byte offset is durable in all sinks
 * offset=18342
 * file=(dev=803,ino=1311204)
 * </pre>
 *
 * Saved atomically: written to {@code <file>.offset.tmp}, forced to disk, then renamed over the
 * old one, so a crash leaves the old or the new offset, never half of one.
 */
final class OffsetFile {
    /** A saved position: {@code fileKey} is null where the file system has no file identities. */
    record Saved(long offset, String fileKey) {
    }

    private final Path dataFile;
    private final Path path;
    private final Path temp;

    OffsetFile(Path dataFile) {
        this.dataFile = dataFile;
        this.path = dataFile.resolveSibling(dataFile.getFileName() + ".offset");
        this.temp = dataFile.resolveSibling(dataFile.getFileName() + ".offset.tmp");
    }

    /** Where the offset is kept. */
    Path path() {
        return path;
    }

    /**
     * The saved position, or null if there is none yet.
     *
     * @throws IOException if the file cannot be read or makes no sense; the message says how to recover
     */
    Saved load() throws IOException {
        String text;
        try {
            text = Files.readString(path, StandardCharsets.UTF_8);
        } catch (NoSuchFileException e) {
            return null;
        }
        long offset = -1;
        String key = null;
        for (String line : text.split("\n")) {
            line = line.trim();
            if (line.isEmpty() || line.startsWith("#")) {
                continue;
            }
            if (line.startsWith("offset=")) {
                try {
                    offset = Long.parseLong(line.substring("offset=".length()).trim());
                } catch (NumberFormatException e) {
                    offset = -1;
                }
            } else if (line.startsWith("file=")) {
                key = line.substring("file=".length()).trim();
            }
        }
        if (offset < 0) {
            throw new IOException("offset file " + path + " has no valid 'offset=<bytes>' line; fix or delete it"
                    + " (the source then starts where its from= parameter says)");
        }
        return new Saved(offset, key);
    }

    /** Replaces the saved position with {@code offset} of the file with identity {@code fileKey} (may be null). */
    void save(long offset, String fileKey) throws IOException {
        String text = "# DataCascade csv source: every line of " + dataFile.getFileName()
                + " before this byte offset is durable in all sinks\noffset=" + offset + "\n"
                + (fileKey == null ? "" : "file=" + fileKey + "\n");
        ByteBuffer bytes = ByteBuffer.wrap(text.getBytes(StandardCharsets.UTF_8));
        try (FileChannel out = FileChannel.open(temp, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
                StandardOpenOption.TRUNCATE_EXISTING)) {
            while (bytes.hasRemaining()) {
                out.write(bytes);
            }
            out.force(true);
        }
        try {
            Files.move(temp, path, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } catch (AtomicMoveNotSupportedException e) {
            Files.move(temp, path, StandardCopyOption.REPLACE_EXISTING);
        }
    }
}
