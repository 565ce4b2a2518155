package dev.parley.devinfra.test;

import java.util.Map;

/** A fresh database with the chat schema applied, for services that read the chat tables. */
public class ChatPostgresTestResource extends PostgresTestResource {

    @Override
    public Map<String, String> start() {
        Map<String, String> config = super.start();
        ChatSchema.apply(config.get("quarkus.datasource.jdbc.url"), config.get("quarkus.datasource.username"));
        return config;
    }
}
