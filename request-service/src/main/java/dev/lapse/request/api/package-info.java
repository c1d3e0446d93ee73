/** The REST edge: requests, timelines and revocations, with RFC 7807 errors. */
@NullMarked
package dev.lapse.request.api;

import org.jspecify.annotations.NullMarked;
