package dev.lapse.grant.target.postgres;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import dev.lapse.grant.target.TargetUnavailableException;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;

/**
 * One small connection pool per managed database, together never more than {@code max-connections} connections, so a
 * backlog of withdrawals cannot exhaust the server. Runs work in one transaction and tells an outage (which is retried)
 * from everything else.
 */
final class DatabasePools implements AutoCloseable {

    /** How long a caller waits for a connection before the target counts as unavailable. */
    static final Duration CONNECTION_TIMEOUT = Duration.ofSeconds(5);

    /** How long a statement waits for a lock (another grant's on the same table, a catalog row) before it fails. */
    static final String LOCK_TIMEOUT = "5s";
    /** How long one statement may run. */
    static final String STATEMENT_TIMEOUT = "30s";

    /** SQLSTATE classes and codes that mean the server is away, busy or restarting: worth another try later. */
    private static final Set<String> TRANSIENT_CLASSES = Set.of("08", "28", "53", "57", "58", "3D", "40");
    private static final Set<String> TRANSIENT_CODES = Set.of("55P03", "25P03", "42501");

    private final String target;
    private final Map<String, HikariDataSource> pools = new LinkedHashMap<>();

    DatabasePools(String target, PostgresTargetSettings settings) {
        this.target = target;
        int perDatabase = Math.max(1, settings.maxConnections() / Math.max(1, settings.databases().size()));
        for (String database : settings.databases()) {
            HikariConfig config = new HikariConfig();
            config.setPoolName("lapse-" + target + "-" + database);
            config.setJdbcUrl(settings.urlOf(SqlIdentifier.of(database)));
            config.setUsername(settings.username());
            if (settings.password() != null) {
                config.setPassword(settings.password());
            }
            config.setMaximumPoolSize(perDatabase);
            config.setMinimumIdle(0);
            config.setIdleTimeout(Duration.ofSeconds(30).toMillis());
            config.setConnectionTimeout(CONNECTION_TIMEOUT.toMillis());
            config.setValidationTimeout(Duration.ofSeconds(2).toMillis());
            // Start without a connection: a target that is down at start is retried like any outage.
            config.setInitializationFailTimeout(-1);
            config.setAutoCommit(false);
            // The limits hold for the whole session, so a transaction needs no round trips of its own to set them.
            config.setConnectionInitSql("SET standard_conforming_strings = on; SET lock_timeout = '" + LOCK_TIMEOUT
                    + "'; SET statement_timeout = '" + STATEMENT_TIMEOUT + "'");
            config.addDataSourceProperty("connectTimeout", String.valueOf(CONNECTION_TIMEOUT.toSeconds()));
            config.addDataSourceProperty("socketTimeout", "120");
            config.addDataSourceProperty("ApplicationName", "lapse-grant-issuer");
            pools.put(database, new HikariDataSource(config));
        }
    }

    /** Work on one database inside a transaction. */
    @FunctionalInterface
    interface Work<T> {
        T run(Connection connection) throws SQLException, Refusal;
    }

    /** Ends a transaction with a rollback and a reason the requester is told; nothing is changed. */
    static final class Refusal extends Exception {
        private static final long serialVersionUID = 1L;

        Refusal(String reason) {
            super(reason, null, false, false);
        }
    }

    /**
     * Runs the work in one transaction on the database, committing when it returns.
     *
     * @throws Refusal after rolling back, when the work refused
     * @throws TargetUnavailableException when the database cannot be reached or did not answer in time
     */
    <T> T inTransaction(String database, String what, Work<T> work) throws Refusal {
        HikariDataSource pool = pools.get(database);
        if (pool == null) {
            throw new IllegalArgumentException("database " + database + " is not managed by target " + target);
        }
        Connection connection;
        try {
            connection = pool.getConnection();
        } catch (SQLException e) {
            // the pool's timeout message hides why: the last connection attempt's failure is its cause
            String why = e.getCause() == null || e.getCause() == e ? "" : " (" + e.getCause().getMessage() + ")";
            throw new TargetUnavailableException("PostgreSQL target " + target + ": cannot connect to database "
                    + database + " to " + what + ": " + e.getMessage() + why, e);
        }
        try (connection) {
            T result = work.run(connection);
            connection.commit();
            return result;
        } catch (Refusal refusal) {
            rollback(connection);
            throw refusal;
        } catch (SQLException e) {
            rollback(connection);
            throw failure(database, what, e);
        } catch (RuntimeException e) {
            rollback(connection);
            throw e;
        }
    }

    /** An outage as {@link TargetUnavailableException}; anything else (a defect, a misconfiguration) as it is. */
    RuntimeException failure(String database, String what, SQLException e) {
        String state = e.getSQLState() == null ? "" : e.getSQLState();
        String message = "PostgreSQL target " + target + ", database " + database + ": " + what + " failed: "
                + e.getMessage() + " (SQLSTATE " + state + ")";
        boolean transientFault = state.isEmpty() || state.length() >= 2
                && TRANSIENT_CLASSES.contains(state.substring(0, 2)) || TRANSIENT_CODES.contains(state);
        if (transientFault) {
            return new TargetUnavailableException(message, e);
        }
        return new IllegalStateException(message, e);
    }

    private static void rollback(Connection connection) {
        try {
            connection.rollback();
        } catch (SQLException ignored) {
            // the connection is broken; the pool discards it and the server rolls the transaction back
        }
    }

    /** The database that cluster-wide questions (roles) are asked in. */
    String anyDatabase() {
        return pools.keySet().iterator().next();
    }

    @Override
    public void close() {
        pools.values().forEach(HikariDataSource::close);
    }
}
