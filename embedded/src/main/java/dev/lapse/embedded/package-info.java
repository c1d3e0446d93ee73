/** Real parts started in-process or as child processes: a KRaft Kafka broker and an Apicurio schema registry. */
@NullMarked
package dev.lapse.embedded;

import org.jspecify.annotations.NullMarked;
