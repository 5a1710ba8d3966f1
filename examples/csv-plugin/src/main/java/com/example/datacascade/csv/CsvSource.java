package com.example.datacascade.csv;

import io.datacascade.core.Point;
import io.datacascade.core.Source;
import io.datacascade.core.SourceContext;
import java.io.IOException;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Reads {@link Point}s from a CSV file, once or following it as it grows like {@code tail -F}, and
 * optionally resumes where the last run's output became durable. Made by {@link CsvConnector} from
 * {@code csv:///absolute/path/readings.csv?follow=false&from=beginning&resume=false}.
 *
 * <p>Lines are {@code time,series,value[,tags]} as described in the {@linkplain
 * com.example.datacascade.csv package documentation}. Blank lines, {@code #} comments and header
 * lines starting with {@code time} are skipped. A bad line never stops the source: it is logged as
 * a warning naming {@code file:line} and the reason (at most ten, then one every ten seconds),
 * counted in {@link #badLines()} and skipped. Each point carries {@code "file:line"} as its
 * {@linkplain SourceContext#emit(Object, Object) origin}, so dead letters and errors say where it
 * came from.
 *
 * <ul>
 * <li>{@code follow=false} (default): reads the file to its end, including a last line without a
 *     line break (except with {@code resume=true}: a file that is resumed is still being written,
 *     so that line is left for the next run), and ends ({@link Source.Poll#END}); the pipeline then
 *     completes. A missing file fails the pipeline at once.</li>
 * <li>{@code follow=true}: keeps reading as lines are appended and returns
 *     {@link Source.Poll#IDLE} while there is nothing new. A last line without its line break is
 *     held back until the break is written, so a line written in two halves arrives once, whole.
 *     A file that does not exist yet is waited for. When the file shrinks (truncated) or its name
 *     points to a new file (rotated, replaced) the source warns and reads the file again from its
 *     start. As with {@code tail}, a truncation followed by a rewrite past the old length before
 *     the next check (a tenth of a second) goes unnoticed.</li>
 * <li>{@code from=beginning} (default) or {@code end}: where to start in a file that exists when
 *     the source opens; {@code end} skips what is there (and the rest of an unfinished last line)
 *     and reads only what is appended. A file that appears later is always read from its start.</li>
 * <li>{@code resume=true}: continue from the sidecar file {@code <file>.offset} if there is one
 *     (else as {@code from} says), and keep that sidecar up to date with the offset up to which
 *     every point is durable in every sink: at most about once a second and when the source
 *     closes. A crash therefore repeats at most the points that were not yet durable, and never
 *     loses one (at-least-once). If the file was replaced or is shorter than the saved offset, the
 *     source warns and reads it from the start.</li>
 * </ul>
 *
 * <p>Like every source, it runs on one thread of its own that calls every method, so it needs no
 * locks; {@link #badLines()} is the one method meant for other threads.
 */
public final class CsvSource implements Source<Point> {

    /** Where to start in a file that exists when the source opens ({@code from=}). */
    enum StartAt {
        BEGINNING,
        END
    }

    private static final Logger LOG = LoggerFactory.getLogger(CsvSource.class);
    /** Lines per poll, so a poll stays short and the pipeline can stop the source promptly. */
    private static final int MAX_LINES_PER_POLL = 4096;
    private static final long SAVE_INTERVAL_NANOS = TimeUnit.SECONDS.toNanos(1);
    /** How often an idle follower looks for truncation or replacement of its file. */
    private static final long CHANGE_CHECK_NANOS = TimeUnit.MILLISECONDS.toNanos(100);

    private final Path file;
    private final boolean follow;
    private final StartAt from;
    private final boolean resume;
    private final String uri;
    private final LineReader reader;
    private final CsvFormat format = new CsvFormat();
    private final WarningLimiter warnings = new WarningLimiter();
    private final DurableOffsets offsets = new DurableOffsets();
    private final OffsetFile offsetFile;

    /** Where the previous run got to, until the file is opened and the position checked. */
    private OffsetFile.Saved saved;
    /** The identity of the file {@link #offsets} refer to, for the sidecar. */
    private String fileKey;
    /** Whether {@link #offsets} hold a real position (the file was opened at least once). */
    private boolean positioned;
    private boolean dirty;
    private long lastSaveNanos;
    private long lastCheckNanos;
    /** Written by the source thread only; volatile so other threads read a current value. */
    private volatile long badLines;

    CsvSource(Path file, boolean follow, StartAt from, boolean resume, String uri) {
        this.file = file;
        this.follow = follow;
        this.from = from;
        this.resume = resume;
        this.uri = uri;
        this.reader = new LineReader(file);
        this.offsetFile = new OffsetFile(file);
        this.lastSaveNanos = System.nanoTime() - SAVE_INTERVAL_NANOS;
        this.lastCheckNanos = System.nanoTime() - CHANGE_CHECK_NANOS;
    }

    /**
     * How many lines were skipped as bad so far (malformed, not UTF-8, too long): the number to
     * watch, since the log shows only some of them. Safe to call from any thread.
     */
    public long badLines() {
        return badLines;
    }

    /** The file this source reads. */
    public Path file() {
        return file;
    }

    /**
     * Loads the saved position ({@code resume=true}) and opens the file.
     *
     * @throws NoSuchFileException if the file does not exist and {@code follow=false}
     * @throws IOException if the file or its offset file cannot be read
     */
    @Override
    public void open(SourceContext<Point> context) throws IOException {
        if (resume) {
            saved = offsetFile.load();
        }
        if (!openFile(true)) {
            if (!follow) {
                throw new NoSuchFileException(file.toString(), null,
                        "no such file for csv source " + uri + " (with follow=true it would wait for the file)");
            }
            LOG.info("csv source {}: {} does not exist yet; waiting for it", uri, file);
        }
    }

    /** Emits up to a few thousand lines that are complete now; see the class description for when it ends. */
    @Override
    public Poll poll(SourceContext<Point> context) throws IOException {
        if (!reader.isOpen() && !openFile(false)) {
            saveIfDue();
            return Poll.IDLE; // follow=true and the file is still missing
        }
        for (int n = 0; n < MAX_LINES_PER_POLL && !context.isStopping(); n++) {
            LineReader.Line line = reader.next();
            if (line == null) {
                return endOfData(context);
            }
            handle(line, context);
        }
        saveIfDue();
        return Poll.MORE;
    }

    /**
     * The ack protocol, seen from a source. Every {@code emit} returned a sequence number, and
     * {@code handle} remembered, per point, the byte offset just after its line. The pipeline
     * calls this method, on this source's thread and between polls, once every record up to
     * {@code sequence} is durable in every sink (a synchronous sink when its {@code write}
     * returned; an asynchronous one when it reported the batch durable) or was dropped on
     * purpose (filtered out, skipped or dead-lettered by an error policy). So everything before
     * the offset remembered for that sequence is done, and a restart may begin there: that
     * offset is what {@code resume=true} saves. Sequences only grow, and so does the offset.
     */
    @Override
    public void onDurable(long sequence) throws IOException {
        if (offsets.acknowledge(sequence)) {
            dirty = true;
        }
        saveIfDue();
    }

    /**
     * Saves the final durable offset ({@code resume=true}) and closes the file. The pipeline calls
     * this after its last {@link #onDurable}, so the offset saved here covers everything the sinks
     * confirmed; what they did not confirm is read again by the next run.
     */
    @Override
    public void close() throws IOException {
        long suppressed = warnings.takeSuppressed();
        if (suppressed > 0) {
            LOG.warn("csv source {}: {} more bad lines were not logged; {} in total", uri, suppressed, badLines);
        }
        try {
            if (resume && positioned) {
                save();
            }
        } finally {
            reader.close();
        }
    }

    private Poll endOfData(SourceContext<Point> context) throws IOException {
        if (!follow) {
            if (!resume) {
                LineReader.Line last = reader.finish(); // the file is complete: a last line needs no line break
                if (last != null) {
                    handle(last, context);
                }
            } else if (reader.hasUnfinishedLine()) {
                // A file we resume is still being written: its unfinished last line is for the next run.
                LOG.info("csv source {}: {} ends with an unfinished line; leaving it for the next run", uri, file);
            }
            LOG.info("csv source {}: read to the end of {} ({} bad lines)", uri, file, badLines);
            return Poll.END;
        }
        saveIfDue(); // the durable offset may have moved while the file was quiet
        long now = System.nanoTime();
        if (now - lastCheckNanos >= CHANGE_CHECK_NANOS) {
            lastCheckNanos = now;
            LineReader.Change change = reader.checkChange();
            if (change != LineReader.Change.NONE) {
                LOG.warn("csv source {}: {} was {}; reading it again from the start", uri, file,
                        change == LineReader.Change.TRUNCATED ? "truncated" : "replaced by a new file");
                startOver();
                return Poll.MORE;
            }
        }
        return Poll.IDLE;
    }

    private void handle(LineReader.Line line, SourceContext<Point> context) {
        if (line.problem() != null) {
            badLine(line, line.problem());
            return;
        }
        String text = line.text().trim();
        if (text.isEmpty() || text.charAt(0) == '#' || text.regionMatches(true, 0, "time", 0, 4)) {
            skip(line); // blank, comment or header
            return;
        }
        Point point = format.parse(text);
        if (point == null) {
            badLine(line, format.problem());
            return;
        }
        long sequence = context.emit(point, file + ":" + line.number());
        offsets.emitted(sequence, line.endOffset()); // durable once onDurable(>= sequence) arrives
    }

    private void skip(LineReader.Line line) {
        if (offsets.skipped(line.endOffset())) {
            dirty = true;
        }
    }

    private void badLine(LineReader.Line line, String reason) {
        badLines++; // the only writer is this thread
        skip(line);
        if (warnings.tryLog(System.nanoTime())) {
            long suppressed = warnings.takeSuppressed();
            LOG.warn("csv source skipped bad line {}:{}: {}{}{}", file, line.number(), reason,
                    line.text() == null ? "" : ": " + abbreviate(line.text()),
                    suppressed > 0 ? " (" + suppressed + " more bad lines since the last warning; " + badLines
                            + " in total)" : warnings.limitStartsNow() ? " (further bad lines are logged at most"
                            + " once every 10 s; badLines() counts them all)" : "");
        }
    }

    private static String abbreviate(String text) {
        return text.length() <= 120 ? "'" + text + "'" : "'" + text.substring(0, 120) + "...' (" + text.length() + " chars)";
    }

    /** Opens the file and decides where to start in it; false if it does not exist. */
    private boolean openFile(boolean atSourceOpen) throws IOException {
        if (!reader.open()) {
            return false;
        }
        long size = reader.size();
        fileKey = reader.fileKey() == null ? null : reader.fileKey().toString();
        long start = 0;
        boolean wholeLinesOnly = false;
        OffsetFile.Saved last = saved;
        saved = null;
        if (last != null) {
            if (last.fileKey() != null && fileKey != null && !last.fileKey().equals(fileKey)) {
                LOG.warn("csv source {}: {} is not the file {} was saved for (it was replaced); reading it from the start",
                        uri, file, offsetFile.path());
            } else if (last.offset() > size) {
                LOG.warn("csv source {}: {} has {} bytes, fewer than the saved offset {} in {} (it was truncated);"
                        + " reading it from the start", uri, file, size, last.offset(), offsetFile.path());
            } else {
                start = last.offset();
                wholeLinesOnly = true; // saved offsets follow a line break, except one saved at the start of from=end
                LOG.info("csv source {}: resuming {} at byte {} of {} from {}", uri, file, start, size, offsetFile.path());
            }
        } else if (atSourceOpen && from == StartAt.END) {
            start = size;
            wholeLinesOnly = true;
        }
        reader.seek(start, wholeLinesOnly);
        offsets.restart(start);
        positioned = true;
        if (resume) {
            save(); // record the start and the file's identity before anything else happens
        }
        return true;
    }

    /** The file was truncated or replaced: what is in flight refers to the old content, so forget it. */
    private void startOver() throws IOException {
        reader.close();
        fileKey = null;
        offsets.restart(0);
        dirty = true;
        if (!openFile(false)) {
            LOG.info("csv source {}: {} does not exist right now; waiting for it", uri, file);
        }
    }

    private void saveIfDue() throws IOException {
        if (resume && dirty && System.nanoTime() - lastSaveNanos >= SAVE_INTERVAL_NANOS) {
            save();
        }
    }

    private void save() throws IOException {
        offsetFile.save(offsets.durable(), fileKey);
        dirty = false;
        lastSaveNanos = System.nanoTime();
    }

    /** The URI this source was made from. */
    @Override
    public String toString() {
        return uri;
    }
}
