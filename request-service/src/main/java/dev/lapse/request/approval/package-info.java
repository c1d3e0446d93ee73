/**
 * Who may vote on a request, withdraw it, end or extend a grant, checked against the request's timeline before
 * anything is written; and each approver's inbox. No Spring, Kafka or Avro here.
 */
@NullMarked
package dev.lapse.request.approval;

import org.jspecify.annotations.NullMarked;
