/**
 * The chaos harness: the five services as separate processes on the embedded broker (in this JVM, so it can be
 * restarted) and registry (a child process), a steady load over REST and the ingress topic, SIGKILLs and restarts,
 * and the judgement of what the topics and the audit files hold afterwards.
 */
@NullMarked
package dev.lapse.chaos;

import org.jspecify.annotations.NullMarked;
