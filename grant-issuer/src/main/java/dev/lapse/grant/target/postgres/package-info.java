/**
 * The PostgreSQL target: a grant becomes a NOLOGIN role {@code lapse_g_<id>} holding exactly the approved column
 * privileges (and per-action row policies on a table with row-level security), granted to the requester's role, and
 * described by a JSON comment on the role so withdrawal and reconciliation need nothing but the database. The pure
 * parts (quoting, parsing, statement text) have no JDBC; {@link dev.lapse.grant.target.postgres.PostgresTarget} runs
 * them.
 */
@NullMarked
package dev.lapse.grant.target.postgres;

import org.jspecify.annotations.NullMarked;
