package dev.lapse.grant.target.postgres;

import dev.lapse.grant.target.postgres.PostgresTargetSettings.RoleMapping;
import java.util.List;

/** Maps a Lapse requester id to the database role a grant is given to: an explicit mapping, else the template. */
public record RequesterRoles(String template, List<RoleMapping> mappings) {

    public RequesterRoles {
        mappings = List.copyOf(mappings);
    }

    /**
     * The requester's role.
     *
     * @throws IllegalArgumentException when the id maps to no valid role name
     */
    public SqlIdentifier roleOf(String requesterId) {
        for (RoleMapping mapping : mappings) {
            if (mapping.requester().equals(requesterId)) {
                return SqlIdentifier.of(mapping.role());
            }
        }
        int at = requesterId.indexOf('@');
        String local = at < 0 ? requesterId : requesterId.substring(0, at);
        return SqlIdentifier.of(template.replace("{local}", local).replace("{id}", requesterId));
    }
}
