package dev.parley.platform.redis;

import io.quarkus.redis.datasource.ReactiveRedisDataSource;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.redis.client.Command;
import io.vertx.mutiny.redis.client.Request;
import io.vertx.mutiny.redis.client.Response;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;

/**
 * A Lua script run by its SHA1 (EVALSHA). The SHA1 is computed here, so a call never depends on a
 * prior SCRIPT LOAD having succeeded; when Redis does not know the script (restarted, flushed,
 * failed over) the call falls back to EVAL, which also caches it again.
 */
public final class RedisScript {

    private final ReactiveRedisDataSource redis;
    private final String source;
    private final String sha1;

    public RedisScript(ReactiveRedisDataSource redis, String source) {
        this.redis = redis;
        this.source = source;
        this.sha1 = sha1Hex(source);
    }

    public static RedisScript fromClasspath(ReactiveRedisDataSource redis, String resource) {
        try (InputStream in = RedisScript.class.getClassLoader().getResourceAsStream(resource)) {
            if (in == null) {
                throw new IllegalStateException("missing script resource " + resource);
            }
            return new RedisScript(redis, new String(in.readAllBytes(), StandardCharsets.UTF_8));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public String sha1() {
        return sha1;
    }

    /** SCRIPT LOAD, so the first EVALSHA finds it; returns the SHA1 Redis computed. */
    public Uni<String> load() {
        return redis.execute("SCRIPT", "LOAD", source).map(Response::toString);
    }

    /** EVALSHA as a request for a pipeline (Redis#batch); after NOSCRIPT, {@link #load()} and retry. */
    public Request request(List<String> keys, List<String> args) {
        Request request = Request.cmd(Command.EVALSHA);
        for (String arg : argv(sha1, keys, args)) {
            request.arg(arg);
        }
        return request;
    }

    public Uni<Response> run(List<String> keys, List<String> args) {
        return redis.execute("EVALSHA", argv(sha1, keys, args))
                .onFailure(RedisScript::isNoScript)
                .recoverWithUni(() -> redis.execute("EVAL", argv(source, keys, args)));
    }

    public static boolean isNoScript(Throwable failure) {
        return failure.getMessage() != null && failure.getMessage().contains("NOSCRIPT");
    }

    private static String[] argv(String script, List<String> keys, List<String> args) {
        List<String> argv = new ArrayList<>(2 + keys.size() + args.size());
        argv.add(script);
        argv.add(Integer.toString(keys.size()));
        argv.addAll(keys);
        argv.addAll(args);
        return argv.toArray(String[]::new);
    }

    private static String sha1Hex(String text) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-1").digest(text.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-1 is required by the JDK", e);
        }
    }
}
