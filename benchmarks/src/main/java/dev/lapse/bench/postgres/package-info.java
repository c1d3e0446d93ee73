/**
 * Lapse with grants provisioned in a real PostgreSQL: how long after {@code expiresAt} a requester's open session
 * can still read a granted column, and what provisioning adds to submitted → granted. It runs in a database and
 * roles of its own, made at its start and dropped at its end.
 */
@NullMarked
package dev.lapse.bench.postgres;

import org.jspecify.annotations.NullMarked;
