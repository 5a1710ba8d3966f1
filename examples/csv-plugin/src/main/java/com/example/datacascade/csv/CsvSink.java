package com.example.datacascade.csv;

import io.datacascade.core.Batch;
import io.datacascade.core.Point;
import io.datacascade.core.Sink;
import io.datacascade.core.SinkContext;
import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CharsetEncoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Appends {@link Point}s to a CSV file, one {@code time,series,value[,tags]} line each, in the
 * format {@link CsvSource} reads back unchanged (see the {@linkplain com.example.datacascade.csv
 * package documentation} for how {@code , ; = %} and line breaks in names are encoded). Made by
 * {@link CsvConnector} from {@code csv:///absolute/path/out.csv}; it creates missing parent
 * directories, writes a header line into a new or empty file, and appends to an existing one.
 *
 * <p><b>Durability.</b> A synchronous sink: when {@link #write} returns, the batch's lines have
 * been written and the writer flushed, that is, handed to the operating system. They survive the
 * JVM crashing or being killed, and a source may acknowledge them (see
 * {@link Sink#reportsDurability()}). They are not forced to the disk (no {@code fsync}), so a power
 * loss or kernel crash can still lose the last few seconds of lines; a sink that must survive that
 * calls {@link FileChannel#force(boolean)} after each batch and pays milliseconds per batch for it.
 *
 * <p>A point whose text cannot be written as UTF-8 (a lone surrogate character in its series or
 * tags) is declined with {@link SinkContext#reject}, so the pipeline's error policy decides about
 * that one point while the rest of the batch is written.
 */
public final class CsvSink implements Sink<Point> {
    private static final Logger LOG = LoggerFactory.getLogger(CsvSink.class);

    private final Path file;
    private final String uri;
    private final StringBuilder line = new StringBuilder(128);
    private final CharsetEncoder utf8 = StandardCharsets.UTF_8.newEncoder(); // reports bad input, never replaces it
    private SinkContext context;
    private OutputStream out;

    CsvSink(Path file, String uri) {
        this.file = file;
        this.uri = uri;
    }

    /** The file this sink appends to. */
    public Path file() {
        return file;
    }

    /**
     * Creates the parent directories and opens the file for appending.
     *
     * @throws IOException if the file cannot be created or opened, or is a directory
     */
    @Override
    public void open(SinkContext sinkContext) throws IOException {
        this.context = sinkContext;
        Path parent = file.toAbsolutePath().getParent();
        if (parent != null) {
            Files.createDirectories(parent);
        }
        if (Files.isDirectory(file)) {
            throw new IOException("csv sink " + uri + ": " + file + " is a directory, not a file");
        }
        long size = Files.exists(file) ? Files.size(file) : 0;
        boolean unfinishedLine = size > 0 && lastByte() != '\n';
        out = new BufferedOutputStream(Files.newOutputStream(file, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
                StandardOpenOption.APPEND), 64 * 1024);
        if (size == 0) {
            out.write((CsvFormat.HEADER + "\n").getBytes(StandardCharsets.US_ASCII));
        } else if (unfinishedLine) {
            // An earlier writer stopped mid-line: end that line so it can't swallow our first one.
            LOG.warn("csv sink {}: {} ends with an unfinished line; appending after a line break", uri, file);
            out.write('\n');
        }
        out.flush();
    }

    /**
     * Appends the batch and flushes: when this returns, the lines are with the operating system.
     *
     * @throws IOException if writing fails; the pipeline's error policy then applies to the batch
     */
    @Override
    public void write(Batch<Point> batch) throws IOException {
        for (int i = 0, n = batch.size(); i < n; i++) {
            line.setLength(0);
            CsvFormat.append(line, batch.get(i));
            line.append('\n');
            ByteBuffer bytes;
            try {
                bytes = utf8.encode(CharBuffer.wrap(line));
            } catch (CharacterCodingException e) {
                context.reject(i, "csv sink " + uri + " can't write text that is not valid UTF-16 (a lone surrogate)"
                        + " in series or tags", e);
                continue;
            }
            out.write(bytes.array(), bytes.arrayOffset() + bytes.position(), bytes.remaining());
        }
        out.flush();
    }

    /** Closes the file; everything written was flushed already. */
    @Override
    public void close() throws IOException {
        if (out != null) {
            out.close();
        }
    }

    private int lastByte() throws IOException {
        try (FileChannel channel = FileChannel.open(file, StandardOpenOption.READ)) {
            ByteBuffer one = ByteBuffer.allocate(1);
            return channel.read(one, channel.size() - 1) == 1 ? one.get(0) : '\n';
        }
    }

    /** The URI this sink was made from. */
    @Override
    public String toString() {
        return uri;
    }
}
