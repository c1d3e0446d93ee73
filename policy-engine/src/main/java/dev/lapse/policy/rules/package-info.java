/**
 * Policies as code, the pure domain: YAML policy files in a directory, loaded and validated as a {@link
 * dev.lapse.policy.rules.PolicySet}, which decides each request ({@code evaluate(request, now)}) or bundle. No
 * Spring, Kafka or Avro here; the Kafka listener wires it in.
 *
 * <p>The file format and how rules combine are described in {@code docs/policies.md}. In short: every file may
 * have {@code tables:} (column tags per table), {@code rules:} and {@code bundles:}. A request is cut into atoms
 * (one action on one column, or on the whole table when it names no column). Any matching deny rule denies;
 * every atom must be covered by some matching approve or require rule, else the request is denied (no matching
 * rule means deny); the requirement is then the union of the tiers of all matching require rules (duplicates
 * dropped), and the duration the smallest cap of all matching rules. A load with any error yields no set at
 * all, and {@link dev.lapse.policy.rules.CurrentPolicies} keeps the previous one.
 */
@NullMarked
package dev.lapse.policy.rules;

import org.jspecify.annotations.NullMarked;
