package dev.lapse.bench.drive;

/**
 * Where a {@link Driver} offers items: a topic a pipeline reads, Lapse's ingress, its REST API. A target reports an
 * item it could not submit to {@link Completions#failed}; whoever sees an item done reports it to
 * {@link Completions#completed}.
 */
public interface Target extends AutoCloseable {

    /** Submits one item; may block while the target has as many in flight as it allows. */
    void submit(String id);

    @Override
    void close();
}
