package dev.lapse.audit.chain;

/**
 * A {@link StringBuilder} each thread reuses for text it puts together and then copies out: the sink builds some text
 * for every record it audits, and a fresh builder per record, grown two or three times first, was a tenth of all it
 * allocated. One value that grew the builder large does not pin that memory for the rest of the thread's life.
 */
public final class ThreadScratch {

    private static final int INITIAL_CAPACITY = 4096;
    private static final int KEPT_CAPACITY = 64 * 1024;

    private final ThreadLocal<StringBuilder> builders =
            ThreadLocal.withInitial(() -> new StringBuilder(INITIAL_CAPACITY));

    /** This thread's builder, emptied; {@link #release} it once its text has been copied out. */
    public StringBuilder take() {
        StringBuilder builder = builders.get();
        builder.setLength(0);
        return builder;
    }

    /** Forgets this thread's builder when one value grew it beyond what is worth keeping. */
    public void release(StringBuilder builder) {
        if (builder.capacity() > KEPT_CAPACITY) {
            builders.remove();
        }
    }
}
