package dev.parley.seat.service;

import dev.parley.contracts.RedisKeys;
import io.quarkus.redis.datasource.ReactiveRedisDataSource;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.redis.client.Response;
import jakarta.inject.Singleton;
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
 * The Lua scripts, one per quota operation. Run by EVALSHA; after a NOSCRIPT (Redis restarted or
 * flushed its script cache) the same call is made once with EVAL, which caches it again.
 */
@Singleton
public class LuaScripts {

    public enum Script {
        HOLD(true), CONFIRM(true), RELEASE(true), EXPIRE(true), REBUILD(true), TIMING(true), STATUS(true),
        LEAVE(true), POSITIONS(true), GRID(true), RATELIMIT(false), EMIT(false);

        final boolean cohort;

        Script(boolean cohort) {
            this.cohort = cohort;
        }
    }

    private static final String[] PARTS = {"meta", "free", "holds", "users", "expiry", "queue"};

    private final ReactiveRedisDataSource redis;
    private final RedisKeys keys;
    private final String[] source = new String[Script.values().length];
    private final String[] sha = new String[Script.values().length];

    public LuaScripts(ReactiveRedisDataSource redis, RedisKeys keys) {
        this.redis = redis;
        this.keys = keys;
        String prelude = load("prelude");
        for (Script s : Script.values()) {
            String body = load(s.name().toLowerCase());
            source[s.ordinal()] = s.cohort ? prelude + "\n" + body : body;
            sha[s.ordinal()] = sha1(source[s.ordinal()]);
        }
    }

    /** The six keys of one cohort, all with the cohort's hash tag. */
    public List<String> cohortKeys(String cohortId) {
        List<String> k = new ArrayList<>(PARTS.length);
        for (String part : PARTS) {
            k.add(keys.cohort(cohortId, part));
        }
        return k;
    }

    public Uni<Response> cohort(Script script, String cohortId, List<String> args) {
        return run(script, cohortKeys(cohortId), args);
    }

    public Uni<Response> run(Script script, List<String> keyList, List<String> args) {
        List<String> tail = new ArrayList<>(2 + keyList.size() + args.size());
        tail.add(String.valueOf(keyList.size()));
        tail.addAll(keyList);
        tail.addAll(args);
        return call("EVALSHA", sha[script.ordinal()], tail)
                .onFailure(e -> String.valueOf(e.getMessage()).startsWith("NOSCRIPT"))
                .recoverWithUni(() -> call("EVAL", source[script.ordinal()], tail));
    }

    public String sha(Script script) {
        return sha[script.ordinal()];
    }

    public String source(Script script) {
        return source[script.ordinal()];
    }

    private Uni<Response> call(String command, String first, List<String> tail) {
        String[] args = new String[tail.size() + 1];
        args[0] = first;
        for (int i = 0; i < tail.size(); i++) {
            args[i + 1] = tail.get(i);
        }
        return redis.execute(command, args);
    }

    private static String load(String name) {
        try (InputStream in = LuaScripts.class.getResourceAsStream("/lua/" + name + ".lua")) {
            if (in == null) {
                throw new IllegalStateException("missing script lua/" + name + ".lua");
            }
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static String sha1(String text) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-1").digest(text.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Reply as a list of strings (our scripts return flat arrays of strings). */
    public static List<String> strings(Response r) {
        List<String> out = new ArrayList<>(r == null ? 0 : r.size());
        if (r != null) {
            for (Response item : r) {
                out.add(item == null ? null : item.toString());
            }
        }
        return out;
    }
}
