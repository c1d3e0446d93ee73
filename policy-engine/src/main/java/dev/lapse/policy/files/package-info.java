/**
 * Where the policies in force come from, and how they change: a directory of policy files (or the sample set bundled
 * in the jar), loaded at start (a broken set stops the start), reloaded when a file changes or on request through
 * the actuator endpoint {@code policies}; a reload that fails keeps the previous set and says why.
 */
@NullMarked
package dev.lapse.policy.files;

import org.jspecify.annotations.NullMarked;
