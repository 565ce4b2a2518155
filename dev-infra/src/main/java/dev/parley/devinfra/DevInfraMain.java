package dev.parley.devinfra;

import dev.parley.contracts.Topics;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;

/**
 * The launcher behind {@code make run}:
 * <ul>
 *   <li>{@code kafka <dir> <port>} starts the broker (left running in its own JVM), creates the
 *       fleet's topics, writes the broker's pid to {@code <dir>/kafka.pid} and exits;</li>
 *   <li>{@code databases <name>…} creates the named PostgreSQL databases if they do not exist.</li>
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
        } else {
            System.err.println("usage: DevInfraMain kafka <dir> <port> | databases <name>...");
            System.exit(2);
        }
    }
}
