package org.osteonode.testing;

import javax.sql.DataSource;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Proxy;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLTransientConnectionException;
import java.util.ArrayList;
import java.util.List;
import java.util.function.BooleanSupplier;

/** What the tests of the store and the cluster workers ask PostgreSQL directly, and an outage they can switch on. */
public final class Sql {
    private Sql() {
    }

    /** The first column of every row, as text. */
    public static List<String> rows(DataSource dataSource, String sql) throws Exception {
        List<String> rows = new ArrayList<>();
        try (Connection connection = dataSource.getConnection();
             ResultSet result = connection.createStatement().executeQuery(sql)) {
            while (result.next()) {
                rows.add(result.getString(1));
            }
        }
        return rows;
    }

    public static long count(DataSource dataSource, String sql) throws Exception {
        return Long.parseLong(rows(dataSource, sql).get(0));
    }

    /** The data source as the pool behaves while PostgreSQL is away: a connection timeout, as Hikari reports it. */
    public static DataSource awayWhen(BooleanSupplier away, DataSource real) {
        return (DataSource) Proxy.newProxyInstance(DataSource.class.getClassLoader(), new Class<?>[] {DataSource.class},
                (proxy, method, arguments) -> {
                    if (away.getAsBoolean() && method.getName().equals("getConnection")) {
                        throw new SQLTransientConnectionException("osteonode - Connection is not available, request "
                                + "timed out after 10000ms (test)");
                    }
                    try {
                        return method.invoke(real, arguments);
                    } catch (InvocationTargetException e) {
                        throw e.getCause();
                    }
                });
    }
}
