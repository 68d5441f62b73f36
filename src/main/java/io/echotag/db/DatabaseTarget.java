package io.echotag.db;

import io.vertx.pgclient.PgConnectOptions;

/** Where the database is: enough to build both the reactive pool and Flyway's JDBC URL. */
public record DatabaseTarget(String host, int port, String database, String user, String password) {

  /** Parses a {@code postgresql://user:password@host:port/database} URL. */
  public static DatabaseTarget fromUrl(String url) {
    PgConnectOptions options = PgConnectOptions.fromUri(url);
    return new DatabaseTarget(options.getHost(), options.getPort(), options.getDatabase(), options.getUser(),
        options.getPassword());
  }

  public String jdbcUrl() {
    return "jdbc:postgresql://" + host + ":" + port + "/" + database;
  }

  PgConnectOptions connectOptions() {
    return new PgConnectOptions()
        .setHost(host)
        .setPort(port)
        .setDatabase(database)
        .setUser(user)
        .setPassword(password);
  }
}
