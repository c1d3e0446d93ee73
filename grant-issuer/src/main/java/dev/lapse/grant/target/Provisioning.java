package dev.lapse.grant.target;

import java.util.List;
import java.util.Objects;

/** What provisioning a grant in a target came to: access in place, or a refusal the requester is told. */
public sealed interface Provisioning {

    /** The grant is in place; {@code done} says what the target now holds for it, one line each. */
    record Provisioned(List<String> done) implements Provisioning {
        public Provisioned {
            done = List.copyOf(done);
        }
    }

    /**
     * The grant cannot be made real as asked (a table, column or role that does not exist, an action the target
     * does not support, a row filter it cannot enforce); nothing was changed in the target.
     */
    record Refused(String reason) implements Provisioning {
        public Refused {
            Objects.requireNonNull(reason, "reason");
        }
    }
}
