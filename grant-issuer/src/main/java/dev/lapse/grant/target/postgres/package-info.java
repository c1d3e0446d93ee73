/**
 * The PostgreSQL target: a grant becomes a NOLOGIN role {@code lapse_g_<id>} (with per-action row policies on a table
 * with row-level security), granted to the requester's role, and described by a JSON comment on the role so withdrawal
 * and reconciliation need nothing but the database. The grant role holds no table privilege itself: it is a member of
 * one shared {@link dev.lapse.grant.target.postgres.PrivilegeRole} {@code lapse_p_<hash>} per action, which holds that
 * action on the approved columns. PostgreSQL keeps every grantee of a table or column in one catalog row that cannot
 * outgrow a page (a few hundred to a few thousand grantees, depending on how the ACL compresses; past it: SQLSTATE
 * 54000), so per-grant privileges capped the live grants of a table; memberships are rows of their own. Requesters
 * read through two levels of membership (roles inherit by default; {@code has_column_privilege} follows it). A program
 * limit hit while provisioning is a refusal, not an outage. The pure parts (quoting, parsing, statement text) have no
 * JDBC; {@link dev.lapse.grant.target.postgres.PostgresTarget} runs them.
 *
 * <p>On a table with row-level security PostgreSQL ORs all permissive policies of one command that apply to a role,
 * whatever columns each came with: a requester holding {@code SELECT (email)} on the EU rows and {@code SELECT (name)}
 * on every row could read every row's email directly. So provisioning refuses a grant when the requester's role is
 * already a member of another Lapse grant on the same table with a different row filter ("every row" counting as a
 * filter) for an action that shares rows ({@link dev.lapse.grant.target.postgres.TableAction#sharesRowsWith}); grants
 * with the same filter are allowed, as the union of their columns over the same rows shows nothing more. The check runs
 * under the table's advisory lock, so two concurrent provisions cannot both pass it. The masked view is exact per grant
 * either way.
 *
 * <p>Not checked, and to keep in mind: privileges and policies a requester holds outside Lapse. A grant without a
 * filter on such a table makes a {@code USING (true)} policy; a standing column privilege the requester already had
 * then reads on every row, which is what "every row" grants. But a non-Lapse permissive policy the requester already
 * had for the same command is OR-ed with a Lapse grant's policy too, so a Lapse grant's columns can be read on the rows
 * that policy opens (and the other way round); make such standing policies {@code AS RESTRICTIVE}, or keep Lapse's
 * tables free of them.
 */
@NullMarked
package dev.lapse.grant.target.postgres;

import org.jspecify.annotations.NullMarked;
