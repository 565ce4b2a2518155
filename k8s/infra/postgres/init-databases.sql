-- Runs once, when the data directory is first initialised (docker-entrypoint-initdb.d).
-- The services' Flyway migrations create the tables; this only creates the two databases.
CREATE DATABASE parley_chat OWNER parley;
CREATE DATABASE parley_seat OWNER parley;
\connect parley_chat
-- metrics-service reads the slowest statements when the extension is available.
CREATE EXTENSION IF NOT EXISTS pg_stat_statements;
