package dev.lapse.request.notify;

import java.util.HashMap;
import java.util.Map;
import java.util.OptionalLong;
import java.util.TreeMap;

/**
 * Which consumed offsets may be committed. Every record whose work is not finished holds its offset: a notification
 * not yet delivered or given up, an "expires soon" notice not yet due, a request whose subject is still needed. The
 * committable offset of a partition is its lowest held offset, or the consumer's position when nothing is held, so
 * a restart reads again from the oldest record still needed and never skips one.
 *
 * <p>Holds of a record's <em>own</em> notification are counted apart: below the lowest of them (the "delivered
 * through" mark) every record's own notification was delivered or given up, so a restart re-reads those records to
 * rebuild state without notifying again.
 *
 * <p>Costs: O(log n) per hold and release, n the distinct offsets held. Not thread-safe: one owner.
 */
final class CommitLedger {

    private final Map<Source, Book> books = new HashMap<>();

    /** One record's claim on its offset; released once, later releases do nothing. */
    static final class Hold {

        private final Source source;
        private final Book book;
        private final long offset;
        private final boolean own;
        private boolean released;

        private Hold(Source source, Book book, long offset, boolean own) {
            this.source = source;
            this.book = book;
            this.offset = offset;
            this.own = own;
        }

        Source source() {
            return source;
        }

        long offset() {
            return offset;
        }
    }

    private static final class Book {
        long position = -1;
        final TreeMap<Long, Integer> all = new TreeMap<>();
        final TreeMap<Long, Integer> own = new TreeMap<>();
    }

    /**
     * Holds {@code offset} of {@code source}.
     *
     * @param own whether this is the hold of the record's own notification (or of the record not yet handled)
     */
    Hold hold(Source source, long offset, boolean own) {
        Book book = books.computeIfAbsent(source, s -> new Book());
        book.all.merge(offset, 1, Integer::sum);
        if (own) {
            book.own.merge(offset, 1, Integer::sum);
        }
        return new Hold(source, book, offset, own);
    }

    void release(Hold hold) {
        if (hold.released) {
            return;
        }
        hold.released = true;
        // A hold taken before a rebalance cleared the ledger releases in its old book, which nobody reads any more.
        decrement(hold.book.all, hold.offset);
        if (hold.own) {
            decrement(hold.book.own, hold.offset);
        }
    }

    /** The consumer's position in {@code source}: every offset below it has been consumed. */
    void advance(Source source, long position) {
        books.computeIfAbsent(source, s -> new Book()).position = position;
    }

    OptionalLong position(Source source) {
        Book book = books.get(source);
        return book == null || book.position < 0 ? OptionalLong.empty() : OptionalLong.of(book.position);
    }

    /** The offset to commit: the lowest held, else the position; empty while the position is unknown. */
    OptionalLong committable(Source source) {
        return floor(source, false);
    }

    /** The lowest offset whose own notification is unfinished, else the position; empty while it is unknown. */
    OptionalLong deliveredThrough(Source source) {
        return floor(source, true);
    }

    /** Forgets everything: after a rebalance the partitions are read again from their committed offsets. */
    void clear() {
        books.clear();
    }

    private OptionalLong floor(Source source, boolean ownOnly) {
        Book book = books.get(source);
        if (book == null || book.position < 0) {
            return OptionalLong.empty();
        }
        TreeMap<Long, Integer> held = ownOnly ? book.own : book.all;
        return OptionalLong.of(held.isEmpty() ? book.position : Math.min(held.firstKey(), book.position));
    }

    private static void decrement(TreeMap<Long, Integer> counts, long offset) {
        counts.computeIfPresent(offset, (o, count) -> count == 1 ? null : count - 1);
    }
}
