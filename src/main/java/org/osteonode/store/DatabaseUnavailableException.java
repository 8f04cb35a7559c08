package org.osteonode.store;

import java.sql.SQLException;
import java.sql.SQLTransientConnectionException;

/**
 * PostgreSQL cannot be reached (down, restarting, network). Nothing is wrong with the object being
 * processed: the pipeline waits and tries again instead of quarantining it.
 */
public final class DatabaseUnavailableException extends SQLException {
    public DatabaseUnavailableException(SQLException cause) {
        super("PostgreSQL is unavailable: " + cause.getMessage(), cause.getSQLState(), cause);
    }

    /** The exception to throw for {@code e}: this one when PostgreSQL cannot be reached, else {@code e} itself. */
    public static SQLException classify(SQLException e) {
        return isUnavailable(e) ? new DatabaseUnavailableException(e) : e;
    }

    /**
     * SQLSTATE class 08 (connection exception), 57P01-57P03 (server shutting down or starting), or the pool
     * timing out while waiting for a connection.
     */
    public static boolean isUnavailable(SQLException e) {
        String state = e.getSQLState();
        return e instanceof SQLTransientConnectionException
                || (state != null && (state.startsWith("08") || state.equals("57P01") || state.equals("57P02")
                        || state.equals("57P03")));
    }
}
