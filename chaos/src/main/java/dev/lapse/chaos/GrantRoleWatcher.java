package dev.lapse.chaos;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.lapse.chaos.report.RoleSighting;
import dev.lapse.chaos.report.TargetWatch;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Polls PostgreSQL's catalog as the superuser, every {@link #INTERVAL}, for the grant roles ({@code lapse_g_*}) whose
 * comment names the run's database, and keeps when each was first and last seen present. The catalog is the truth
 * of who may read what; the topics only say what Lapse meant to do.
 */
final class GrantRoleWatcher implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(GrantRoleWatcher.class);
    /** The poll interval: well under the overstay bound, light on a 2-core machine. */
    static final Duration INTERVAL = Duration.ofMillis(150);
    private static final String PREFIX = "lapse_g_";
    private static final ObjectMapper JSON = new ObjectMapper();

    private final ChaosDatabase database;
    private final Map<String, RoleSighting> sightings = new HashMap<>();
    private final Thread poller;
    private @Nullable Connection connection;
    private long polls;
    private long lastPollMs;
    private long longestGapMs;
    private volatile boolean running = true;

    GrantRoleWatcher(ChaosDatabase database) {
        this.database = database;
        this.poller = new Thread(this::run, "lapse-chaos-grant-role-watcher");
        poller.setDaemon(true);
    }

    void start() {
        poller.start();
    }

    // Pacing, not waiting for an event: the catalog gives none to wait on.
    private void run() {
        while (running) {
            poll();
            try {
                Thread.sleep(INTERVAL.toMillis());
            } catch (InterruptedException e) {
                return;
            }
        }
    }

    /**
     * Reads the grant roles of the run's database now and records them as seen.
     *
     * @return their grant ids, or null when the poll failed (logged; the next one connects again)
     */
    synchronized @Nullable Set<String> poll() {
        Set<String> present = new TreeSet<>();
        try {
            if (connection == null || connection.isClosed()) {
                connection = database.connectAsSuperuser();
            }
            try (Statement sql = connection.createStatement(); ResultSet roles = sql.executeQuery(
                    "SELECT rolname, shobj_description(oid, 'pg_authid') FROM pg_roles"
                            + " WHERE rolname LIKE 'lapse\\_g\\_%'")) {
                while (roles.next()) {
                    if (ofThisRun(roles.getString(2))) {
                        present.add(roles.getString(1).substring(PREFIX.length()));
                    }
                }
            }
        } catch (SQLException e) {
            log.warn("A poll of the grant roles failed: {}", e.getMessage());
            closeConnection();
            return null;
        }
        long now = System.currentTimeMillis();
        if (lastPollMs != 0) {
            longestGapMs = Math.max(longestGapMs, now - lastPollMs);
        }
        lastPollMs = now;
        polls++;
        for (String grantId : present) {
            RoleSighting seen = sightings.get(grantId);
            sightings.put(grantId, new RoleSighting(grantId, seen == null ? now : seen.firstSeenMs(), now));
        }
        return present;
    }

    private boolean ofThisRun(@Nullable String comment) {
        if (comment == null) {
            return false;
        }
        try {
            JsonNode fields = JSON.readTree(comment);
            return database.database().equals(fields.path("database").asText());
        } catch (java.io.IOException e) {
            return false;
        }
    }

    /** What was seen, with the roles present in a last poll made now. */
    synchronized TargetWatch finish() {
        for (int attempt = 0; attempt < 5; attempt++) {
            Set<String> present = poll();
            if (present != null) {
                return new TargetWatch(null, sightings, new ArrayList<>(present), polls, longestGapMs);
            }
            ServiceProcess.pause(Duration.ofSeconds(1));
        }
        throw new IllegalStateException("PostgreSQL did not answer the last poll of the grant roles");
    }

    @Override
    public void close() {
        running = false;
        poller.interrupt();
        try {
            poller.join(5_000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        synchronized (this) {
            closeConnection();
        }
    }

    private void closeConnection() {
        try {
            if (connection != null) {
                connection.close();
            }
        } catch (SQLException e) {
            // closing a broken connection
        }
        connection = null;
    }
}
