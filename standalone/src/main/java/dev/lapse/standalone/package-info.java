/** The one-command run of Lapse: real parts and every service in one JVM. */
@NullMarked
package dev.lapse.standalone;

import org.jspecify.annotations.NullMarked;
