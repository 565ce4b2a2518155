package dev.parley.devinfra;

import dev.parley.contracts.Roles;
import dev.parley.contracts.Topics;
import dev.parley.platform.auth.TokenCodec;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;

/**
 * The launcher behind {@code make run}:
 * <ul>
 *   <li>{@code kafka <dir> <port>} starts the broker (left running in its own JVM), creates the
 *       fleet's topics, writes the broker's pid to {@code <dir>/kafka.pid} and exits;</li>
 *   <li>{@code databases <name>…} creates the named PostgreSQL databases if they do not exist;</li>
 *   <li>{@code redrive <bootstrap> [--from=<offset>] [--reason=<text>] [--dry-run]} re-drives dead
 *       letters to their source topics ({@link DeadLetterRedrive}, {@code make redrive});</li>
 *   <li>{@code operator-token <secret-file> <out-file>} mints a 12-hour access token with the
 *       operator role for this installation (the dashboard's fault switch, a pod drain).</li>
 * </ul>
 */
public final class DevInfraMain {

    private DevInfraMain() {
    }

    public static void main(String[] args) throws Exception {
        if (args.length >= 3 && args[0].equals("kafka")) {
            Path dir = Path.of(args[1]).toAbsolutePath();
            KafkaBroker broker = KafkaBroker.start(Integer.parseInt(args[2]), dir, "768m");
            broker.createTopics(Topics.ALL);
            Files.writeString(dir.resolve("kafka.pid"), Long.toString(broker.pid()));
            System.out.println("Kafka (KRaft) ready at " + broker.bootstrapServers() + ", pid " + broker.pid()
                    + ", topics " + Topics.ALL.stream().map(t -> t.name() + "/" + t.partitions()).toList());
            // The broker JVM is not our child for long: it keeps running after this launcher exits.
            System.exit(0);
        } else if (args.length >= 2 && args[0].equals("databases")) {
            Postgres postgres = Postgres.local();
            Arrays.stream(args, 1, args.length).forEach(postgres::createDatabaseIfAbsent);
            System.out.println("PostgreSQL databases ready: " + String.join(", ", Arrays.asList(args).subList(1, args.length)));
        } else if (args.length >= 2 && args[0].equals("redrive")) {
            long from = 0;
            String reason = null;
            boolean dryRun = false;
            for (String a : Arrays.asList(args).subList(2, args.length)) {
                if (a.startsWith("--from=")) {
                    from = Long.parseLong(a.substring(7));
                } else if (a.startsWith("--reason=")) {
                    reason = a.substring(9);
                } else if (a.equals("--dry-run")) {
                    dryRun = true;
                } else {
                    System.err.println("unknown option " + a);
                    System.exit(2);
                }
            }
            DeadLetterRedrive.Result r = DeadLetterRedrive.run(args[1], Topics.MESSAGES_DEAD_LETTER.name(), from, reason, dryRun);
            System.out.printf("dead letters read %d, %s %d, skipped %d%n", r.read(), dryRun ? "would re-drive" : "re-driven", r.redriven(), r.skipped());
        } else if (args.length == 3 && args[0].equals("operator-token")) {
            String secret = Files.readString(Path.of(args[1])).strip();
            String token = new TokenCodec(secret).mint("operator", "Operator", List.of(Roles.OPERATOR), Duration.ofHours(12));
            Path out = Path.of(args[2]);
            Files.writeString(out, token);
            Files.setPosixFilePermissions(out, PosixFilePermissions.fromString("rw-------"));
            System.out.println("operator token (12 h) in " + out);
        } else {
            System.err.println("usage: DevInfraMain kafka <dir> <port> | databases <name>... | redrive <bootstrap> [--from=<offset>] [--reason=<text>] [--dry-run]"
                    + " | operator-token <secret-file> <out-file>");
            System.exit(2);
        }
    }
}
