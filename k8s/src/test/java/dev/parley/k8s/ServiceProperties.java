package dev.parley.k8s;

import dev.parley.contracts.FleetService;
import java.io.IOException;
import java.io.StringReader;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Properties;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** A service's own application.properties: what the manifests must provide and respect. */
record ServiceProperties(FleetService service, Properties properties, String text) {

    private static final Pattern PARLEY_VAR = Pattern.compile("\\$\\{(PARLEY_[A-Z0-9_]+)(?::([^}]*))?}");

    static ServiceProperties of(FleetService service) {
        Path file = Kustomize.repoRoot().resolve(service.serviceName()).resolve("src/main/resources/application.properties");
        String text = Kustomize.readFile(file);
        Properties p = new Properties();
        try {
            p.load(new StringReader(text));
        } catch (IOException e) {
            throw new IllegalStateException(file + ": " + e, e);
        }
        return new ServiceProperties(service, p, text);
    }

    /** quarkus.shutdown.timeout, e.g. "20s"; Quarkus' default when unset is no graceful wait. */
    Duration shutdownTimeout() {
        String v = properties.getProperty("quarkus.shutdown.timeout", "0s").trim();
        return Duration.parse("PT" + v.toUpperCase());
    }

    /** The PARLEY_* environment variables the service reads (placeholders in its properties). */
    Set<String> parleyVariables() {
        Set<String> vars = new TreeSet<>();
        Matcher m = PARLEY_VAR.matcher(text);
        while (m.find()) {
            vars.add(m.group(1));
        }
        return vars;
    }

    /** The database named by the default of PARLEY_PG_URL, or null when the service has none. */
    String defaultDatabase() {
        Matcher m = PARLEY_VAR.matcher(text);
        while (m.find()) {
            if (m.group(1).equals("PARLEY_PG_URL") && m.group(2) != null) {
                return m.group(2).substring(m.group(2).lastIndexOf('/') + 1);
            }
        }
        return null;
    }
}
