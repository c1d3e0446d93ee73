/**
 * The benchmark run: starts the embedded broker, the registry and every Lapse service in this JVM, runs its
 * sections one after the other on them, and prints one Markdown table.
 */
@NullMarked
package dev.lapse.bench;

import org.jspecify.annotations.NullMarked;
