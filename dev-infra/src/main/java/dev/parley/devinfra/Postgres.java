package dev.parley.devinfra;

import java.sql.Connection;
import java.sql.SQLException;
import java.util.regex.Pattern;

/** Creates and drops databases on the local PostgreSQL server (trust auth, user {@code postgres}). */
public final class Postgres {

    private static final Pattern SAFE_NAME = Pattern.compile("[a-z_][a-z0-9_]{0,62}");

    private final String host;
    private final int port;
    private final String user;

    public Postgres(String host, int port, String user) {
        this.host = host;
        this.port = port;
        this.user = user;
    }

    /** The server named by PARLEY_PG_HOST / PARLEY_PG_PORT / PARLEY_PG_USER, default 127.0.0.1:5432 postgres. */
    public static Postgres local() {
        return new Postgres(env("PARLEY_PG_HOST", "127.0.0.1"),
                Integer.parseInt(env("PARLEY_PG_PORT", "5432")), env("PARLEY_PG_USER", "postgres"));
    }

    public String user() {
        return user;
    }

    public String jdbcUrl(String database) {
        return "jdbc:postgresql://" + host + ":" + port + "/" + database;
    }

    public String reactiveUrl(String database) {
        return "postgresql://" + host + ":" + port + "/" + database;
    }

    public void createDatabaseIfAbsent(String name) {
        requireSafe(name);
        try (Connection c = connect(jdbcUrl("postgres"));
             var exists = c.prepareStatement("SELECT 1 FROM pg_database WHERE datname = ?")) {
            exists.setString(1, name);
            if (!exists.executeQuery().next()) {
                try (var create = c.createStatement()) {
                    create.execute("CREATE DATABASE " + name);
                }
            }
        } catch (SQLException e) {
            throw new IllegalStateException("cannot create database " + name + " on " + jdbcUrl("postgres"), e);
        }
    }

    public void dropDatabase(String name) {
        requireSafe(name);
        try (Connection c = connect(jdbcUrl("postgres"));
             var drop = c.createStatement()) {
            drop.execute("DROP DATABASE IF EXISTS " + name + " WITH (FORCE)");
        } catch (SQLException e) {
            throw new IllegalStateException("cannot drop database " + name, e);
        }
    }

    /**
     * A connection without DriverManager: DriverManager ties drivers to the class loader that
     * registered them, which breaks when Quarkus restarts an application in the same test JVM.
     */
    public Connection connect(String url) throws SQLException {
        java.util.Properties props = new java.util.Properties();
        props.setProperty("user", user);
        props.setProperty("password", "");
        return new org.postgresql.Driver().connect(url, props);
    }

    private static void requireSafe(String name) {
        // Database names cannot be bound as parameters; only plain identifiers are accepted.
        if (!SAFE_NAME.matcher(name).matches()) {
            throw new IllegalArgumentException("not a plain database name: " + name);
        }
    }

    static String env(String name, String fallback) {
        String value = System.getenv(name);
        return value == null || value.isBlank() ? fallback : value;
    }
}
