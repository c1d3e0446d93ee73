package dev.lapse.grant.target.postgres;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.jspecify.annotations.Nullable;

/**
 * How one PostgreSQL target is reached and what it manages, bound from {@code lapse.grant.targets.<name>.*}. Every
 * component but {@code url}, {@code username} and {@code databases} may be left out (null): the compact constructor
 * puts in the default.
 *
 * @param url {@code jdbc:postgresql://host:port} without a database: a resource's first part picks the database
 * @param username the admin role grants are made by ({@code LOGIN CREATEROLE}, owner of the managed tables, member
 *     of {@code pg_signal_backend} and {@code pg_read_all_stats}; not a superuser)
 * @param password its password, or null (trust, peer or a {@code .pgpass})
 * @param databases the databases Lapse may grant in; a resource in any other is refused
 * @param schemas the schemas Lapse may grant in, in every managed database (default {@code public})
 * @param roleTemplate how a requester id becomes a database role when {@code roles} names none: {@code {local}}
 *     (default) is the part before '@', {@code {id}} the whole id
 * @param roles explicit requester to role mappings, which win over the template
 * @param terminateSessions whether withdrawal ends the requester's backends that are mid-statement or in a
 *     transaction (default true)
 * @param maxConnections the most connections to the target at once, over all its databases (default 4)
 * @param maskedSchema where the masked views of protected tables live, in each database (default {@code lapse_masked})
 * @param protectedTables the tables that get a masked view, with a mask rule per column (default hide)
 * @param maskKey the key of the {@code hash} mask rule, or null for a random key made at set-up and kept in the
 *     database
 * @param maskedViewReaders who may read the masked views (default {@code PUBLIC})
 */
public record PostgresTargetSettings(String url, String username, @Nullable String password, List<String> databases,
        List<String> schemas, String roleTemplate, List<RoleMapping> roles, Boolean terminateSessions,
        Integer maxConnections, String maskedSchema, List<ProtectedTable> protectedTables, @Nullable String maskKey,
        List<String> maskedViewReaders) {

    /** The prefix the settings are bound from, for messages. */
    public static final String PREFIX = "lapse.grant.targets.";

    public PostgresTargetSettings {
        url = url == null ? "" : url;
        username = username == null ? "" : username;
        databases = databases == null ? List.of() : List.copyOf(databases);
        schemas = schemas == null || schemas.isEmpty() ? List.of("public") : List.copyOf(schemas);
        roleTemplate = roleTemplate == null || roleTemplate.isBlank() ? "{local}" : roleTemplate;
        roles = roles == null ? List.of() : List.copyOf(roles);
        terminateSessions = terminateSessions == null ? Boolean.TRUE : terminateSessions;
        maxConnections = maxConnections == null ? 4 : maxConnections;
        maskedSchema = maskedSchema == null || maskedSchema.isBlank() ? "lapse_masked" : maskedSchema;
        protectedTables = protectedTables == null ? List.of() : List.copyOf(protectedTables);
        maskedViewReaders = maskedViewReaders == null || maskedViewReaders.isEmpty() ? List.of("PUBLIC")
                : List.copyOf(maskedViewReaders);
    }

    /** Settings with every default: a server, its admin and the databases it manages. */
    public static PostgresTargetSettings of(String url, String username, @Nullable String password,
            List<String> databases) {
        return new PostgresTargetSettings(url, username, password, databases, null, null, null, null, null, null,
                null, null, null);
    }

    /** These settings with other protected tables. */
    public PostgresTargetSettings withProtectedTables(List<ProtectedTable> tables, @Nullable String key) {
        return new PostgresTargetSettings(url, username, password, databases, schemas, roleTemplate, roles,
                terminateSessions, maxConnections, maskedSchema, tables, key, maskedViewReaders);
    }

    /** These settings with other requester mappings. */
    public PostgresTargetSettings withRoles(List<RoleMapping> mappings) {
        return new PostgresTargetSettings(url, username, password, databases, schemas, roleTemplate, mappings,
                terminateSessions, maxConnections, maskedSchema, protectedTables, maskKey, maskedViewReaders);
    }

    /** A requester whose database role is not what the template makes of its id. */
    public record RoleMapping(String requester, String role) {
    }

    /**
     * A table that gets a masked view.
     *
     * @param table {@code database.schema.table}
     * @param masks the rule per column; a column not named here is hidden
     */
    public record ProtectedTable(String table, List<ColumnMask> masks) {
        public ProtectedTable {
            masks = masks == null ? List.of() : List.copyOf(masks);
        }
    }

    /** How a masked view shows one column to a reader who may not read it (see {@link MaskRule}). */
    public record ColumnMask(String column, String rule) {
    }

    /**
     * What is wrong with these settings, one message each naming its key; empty when they are usable.
     *
     * @param name the target's name (the key under {@code lapse.grant.targets})
     */
    public List<String> problems(String name) {
        String key = PREFIX + name + '.';
        List<String> problems = new ArrayList<>();
        if (!url.startsWith("jdbc:postgresql://")) {
            problems.add(key + "url must start with jdbc:postgresql:// (got '" + url + "')");
        } else {
            String rest = url.substring("jdbc:postgresql://".length());
            int query = rest.indexOf('?');
            String hostAndPath = query < 0 ? rest : rest.substring(0, query);
            int slash = hostAndPath.indexOf('/');
            if (hostAndPath.isEmpty() || slash == 0) {
                problems.add(key + "url must name a host, for example jdbc:postgresql://127.0.0.1:5432");
            } else if (slash > 0 && slash < hostAndPath.length() - 1) {
                problems.add(key + "url must not name a database (the resource's first part picks it), got '"
                        + url + "'");
            }
        }
        if (username.isBlank()) {
            problems.add(key + "username must name the admin role grants are made by");
        }
        if (databases.isEmpty()) {
            problems.add(key + "databases must list at least one database Lapse may grant in");
        }
        identifiers(problems, key + "databases", databases);
        identifiers(problems, key + "schemas", schemas);
        if (!roleTemplate.contains("{local}") && !roleTemplate.contains("{id}")) {
            problems.add(key + "role-template must contain {local} or {id} (got '" + roleTemplate + "')");
        }
        for (int i = 0; i < roles.size(); i++) {
            RoleMapping mapping = roles.get(i);
            if (mapping.requester() == null || mapping.requester().isBlank()) {
                problems.add(key + "roles[" + i + "].requester must not be empty");
            }
            identifiers(problems, key + "roles[" + i + "].role", List.of(String.valueOf(mapping.role())));
        }
        if (maxConnections < 1) {
            problems.add(key + "max-connections must be at least 1 (got " + maxConnections + ")");
        } else if (maxConnections < databases.size()) {
            problems.add(key + "max-connections (" + maxConnections + ") must be at least the number of databases ("
                    + databases.size() + "): each database has a pool of its own");
        }
        identifiers(problems, key + "masked-schema", List.of(maskedSchema));
        Set<String> views = new HashSet<>();
        for (int i = 0; i < protectedTables.size(); i++) {
            ProtectedTable table = protectedTables.get(i);
            String tableKey = key + "protected-tables[" + i + "]";
            try {
                TableName name1 = TableName.parse(String.valueOf(table.table()));
                if (!databases.contains(name1.database().name())) {
                    problems.add(tableKey + ".table " + name1 + " is not in a database this target manages");
                }
                if (!schemas.contains(name1.schema().name())) {
                    problems.add(tableKey + ".table " + name1 + " is not in a schema this target manages");
                }
                if (!views.add(name1.database().name() + '\0' + name1.table().name())) {
                    problems.add(tableKey + ".table " + name1
                            + ": another protected table of that database has the same name, and so the same view");
                }
            } catch (IllegalArgumentException e) {
                problems.add(tableKey + ".table: " + e.getMessage());
            }
            for (int j = 0; j < table.masks().size(); j++) {
                ColumnMask mask = table.masks().get(j);
                identifiers(problems, tableKey + ".masks[" + j + "].column", List.of(String.valueOf(mask.column())));
                try {
                    MaskRule.parse(String.valueOf(mask.rule()));
                } catch (IllegalArgumentException e) {
                    problems.add(tableKey + ".masks[" + j + "].rule: " + e.getMessage());
                }
            }
        }
        for (String reader : maskedViewReaders) {
            if (!reader.equalsIgnoreCase("PUBLIC")) {
                identifiers(problems, key + "masked-view-readers", List.of(reader));
            }
        }
        return problems;
    }

    /**
     * These settings, when usable.
     *
     * @throws IllegalArgumentException listing every problem
     */
    public PostgresTargetSettings validated(String name) {
        List<String> problems = problems(name);
        if (!problems.isEmpty()) {
            throw new IllegalArgumentException("PostgreSQL target " + name + " is misconfigured: "
                    + String.join("; ", problems));
        }
        return this;
    }

    /** The JDBC URL of one managed database. */
    String urlOf(SqlIdentifier database) {
        int query = url.indexOf('?');
        String base = query < 0 ? url : url.substring(0, query);
        String parameters = query < 0 ? "" : url.substring(query);
        if (base.endsWith("/")) {
            base = base.substring(0, base.length() - 1);
        }
        return base + '/' + java.net.URLEncoder.encode(database.name(), java.nio.charset.StandardCharsets.UTF_8)
                .replace("+", "%20") + parameters;
    }

    private static void identifiers(List<String> problems, String key, List<String> names) {
        for (String name : names) {
            try {
                SqlIdentifier.of(name);
            } catch (IllegalArgumentException e) {
                problems.add(key + ": " + e.getMessage());
            }
        }
    }
}
