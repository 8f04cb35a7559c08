package org.osteonode.config;


import java.io.IOException;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.function.Function;
import java.util.stream.Collectors;

/**
 * Loads {@link Settings}: built-in defaults, then the properties file, then environment variables
 * ({@code osteonode.dicom.port} is overridden by {@code OSTEONODE_DICOM_PORT}).
 * An unknown key or a bad value stops start-up with a message naming the key.
 */
public final class SettingsLoader {
    private static final String PREFIX = "osteonode.";
    private static final String ENV_PREFIX = "OSTEONODE_";

    /** Every key and its default; conf/osteonode.properties documents the same keys (a test checks). */
    private static final Map<String, String> DEFAULTS = new LinkedHashMap<>();

    static {
        DEFAULTS.put("osteonode.dicom.ae-title", "OSTEONODE");
        DEFAULTS.put("osteonode.dicom.port", "11112");
        DEFAULTS.put("osteonode.dicom.tls-port", "");
        DEFAULTS.put("osteonode.dicom.tls-cert-file", "");
        DEFAULTS.put("osteonode.dicom.tls-key-file", "");
        DEFAULTS.put("osteonode.dicom.tls-client-ca-file", "");
        DEFAULTS.put("osteonode.dicom.allowed-calling-ae-titles", "STORESCU,PACS");
        DEFAULTS.put("osteonode.dicom.max-associations", "32");
        DEFAULTS.put("osteonode.dicom.max-pdu-length", "131072");
        DEFAULTS.put("osteonode.dicom.max-object-mb", "2048");
        DEFAULTS.put("osteonode.dicom.timeout-seconds", "60");
        DEFAULTS.put("osteonode.http.port", "8080");
        DEFAULTS.put("osteonode.data-dir", "./var");
        DEFAULTS.put("osteonode.db.url", "");
        DEFAULTS.put("osteonode.db.user", "postgres");
        DEFAULTS.put("osteonode.db.password", "");
        DEFAULTS.put("osteonode.spool.min-free-mb", "1024");
        DEFAULTS.put("osteonode.pipeline.queue-size", "1000");
        DEFAULTS.put("osteonode.research.workers", "");
        DEFAULTS.put("osteonode.research.modalities", "CR,DX");
        DEFAULTS.put("osteonode.research.body-parts", "*");
        DEFAULTS.put("osteonode.research.sop-classes", "*");
        DEFAULTS.put("osteonode.clinical.workers", "");
        DEFAULTS.put("osteonode.pipeline.max-attempts", "4");
        DEFAULTS.put("osteonode.pipeline.retry-delay-ms", "500");
        DEFAULTS.put("osteonode.spool.stale-minutes", "60");
        DEFAULTS.put("osteonode.deid.secret-file", "");
        DEFAULTS.put("osteonode.deid.retain-patient-characteristics", "true");
        DEFAULTS.put("osteonode.deid.retain-longitudinal-modified-dates", "true");
        DEFAULTS.put("osteonode.deid.clean-descriptors", "true");
        DEFAULTS.put("osteonode.deid.retain-device-identity", "false");
        DEFAULTS.put("osteonode.deid.retain-institution-identity", "false");
        DEFAULTS.put("osteonode.deid.retain-uids", "false");
        DEFAULTS.put("osteonode.deid.retain-safe-private", "false");
        DEFAULTS.put("osteonode.deid.quarantine-modalities", "US,SC,OT");
        DEFAULTS.put("osteonode.deid.max-date-shift-days", "365");
        DEFAULTS.put("osteonode.pacs.ae-title", "PACS");
        DEFAULTS.put("osteonode.pacs.host", "");
        DEFAULTS.put("osteonode.pacs.port", "104");
        DEFAULTS.put("osteonode.pacs.tls", "false");
        DEFAULTS.put("osteonode.pacs.tls-ca-file", "");
        DEFAULTS.put("osteonode.outbox.max-attempts", "10");
        DEFAULTS.put("osteonode.outbox.retry-delay-seconds", "30");
        DEFAULTS.put("osteonode.model.dir", "");
        DEFAULTS.put("osteonode.inference.provider", "auto");
        DEFAULTS.put("osteonode.inference.batch-size", "8");
        DEFAULTS.put("osteonode.inference.max-wait-ms", "5");
        DEFAULTS.put("osteonode.clinical.body-parts", "LSPINE,TSPINE,PELVIS,HIP");
        DEFAULTS.put("osteonode.clinical.max-study-age-days", "30");
        DEFAULTS.put("osteonode.study.stable-seconds", "10");
        DEFAULTS.put("osteonode.clinical.retain-days", "7");
        DEFAULTS.put("osteonode.clinical.decoder-timeout-seconds", "30");
        DEFAULTS.put("osteonode.clinical.decoder-memory-mb", "1024");
        DEFAULTS.put("osteonode.cluster.enabled", "false");
        DEFAULTS.put("osteonode.cluster.kafka.bootstrap-servers", "");
        DEFAULTS.put("osteonode.cluster.kafka.topic", "osteonode.objects");
        DEFAULTS.put("osteonode.cluster.kafka.client-properties-file", "");
        DEFAULTS.put("osteonode.cluster.s3.endpoint", "");
        DEFAULTS.put("osteonode.cluster.s3.region", "us-east-1");
        DEFAULTS.put("osteonode.cluster.s3.phi-bucket", "");
        DEFAULTS.put("osteonode.cluster.s3.deid-bucket", "");
        DEFAULTS.put("osteonode.cluster.s3.access-key-id", "");
        DEFAULTS.put("osteonode.cluster.s3.secret-access-key", "");
        DEFAULTS.put("osteonode.cluster.s3.server-side-encryption", "false");
        DEFAULTS.put("osteonode.shutdown.grace-seconds", "30");
        DEFAULTS.put("osteonode.log.level", "INFO");
    }

    private SettingsLoader() {
    }

    public static Map<String, String> defaults() {
        return Map.copyOf(DEFAULTS);
    }

    public static String environmentName(String key) {
        return ENV_PREFIX + key.substring(PREFIX.length()).toUpperCase(Locale.ROOT).replace('.', '_').replace('-', '_');
    }

    /** @param configFile a Java properties file, or null for defaults and environment only */
    public static Settings load(Path configFile, Map<String, String> environment) {
        Map<String, String> values = new LinkedHashMap<>(DEFAULTS);
        if (configFile != null) {
            readFile(configFile).forEach((key, value) -> {
                requireKnown(key, "in " + configFile);
                values.put(key, value.trim());
            });
        }
        Map<String, String> keyByEnvironmentName = DEFAULTS.keySet().stream()
                .collect(Collectors.toMap(SettingsLoader::environmentName, Function.identity()));
        environment.forEach((name, value) -> {
            if (!name.startsWith(ENV_PREFIX)) {
                return;
            }
            String key = keyByEnvironmentName.get(name);
            if (key == null) {
                throw new ConfigException(name, "unknown environment variable; osteonode reads only "
                        + "OSTEONODE_ variables that name a key of conf/osteonode.properties");
            }
            values.put(key, value.trim());
        });
        return parse(new Values(values));
    }

    private static Map<String, String> readFile(Path configFile) {
        Properties properties = new Properties();
        try (Reader reader = Files.newBufferedReader(configFile, StandardCharsets.UTF_8)) {
            properties.load(reader);
        } catch (IOException e) {
            throw new ConfigException("--config", "cannot read " + configFile + ": " + e.getMessage());
        }
        Map<String, String> entries = new LinkedHashMap<>();
        properties.stringPropertyNames().stream().sorted().forEach(k -> entries.put(k, properties.getProperty(k)));
        return entries;
    }

    private static void requireKnown(String key, String where) {
        if (!DEFAULTS.containsKey(key)) {
            throw new ConfigException(key, "unknown key " + where + "; the known keys are listed, with their "
                    + "meaning, in conf/osteonode.properties");
        }
    }

    private static Settings parse(Values v) {
        Path dataDir = v.path("osteonode.data-dir");
        String secretFile = v.raw("osteonode.deid.secret-file");
        Settings.Dicom dicom = new Settings.Dicom(
                v.aeTitle("osteonode.dicom.ae-title"),
                v.portOrOff("osteonode.dicom.port"),
                v.portOrOff("osteonode.dicom.tls-port"),
                v.callingAeTitles("osteonode.dicom.allowed-calling-ae-titles"),
                v.integer("osteonode.dicom.max-associations", 1, 1024),
                v.integer("osteonode.dicom.max-pdu-length", 4096, 16 * 1024 * 1024),
                v.integer("osteonode.dicom.max-object-mb", 1, 64 * 1024) * 1024L * 1024L,
                Duration.ofSeconds(v.integer("osteonode.dicom.timeout-seconds", 1, 3600)));
        Settings.Tls tls = new Settings.Tls(v.optionalFile("osteonode.dicom.tls-cert-file"),
                v.optionalFile("osteonode.dicom.tls-key-file"), v.optionalFile("osteonode.dicom.tls-client-ca-file"),
                v.optionalFile("osteonode.pacs.tls-ca-file"));
        boolean pacsTls = v.bool("osteonode.pacs.tls");
        requireConsistent(dicom, tls, pacsTls);
        return new Settings(
                dicom,
                tls,
                v.integer("osteonode.http.port", 1, 65535),
                dataDir,
                new Settings.DatabaseConnection(v.raw("osteonode.db.url"), v.raw("osteonode.db.user"), v.raw("osteonode.db.password")),
                v.integer("osteonode.spool.min-free-mb", 0, Integer.MAX_VALUE) * 1024L * 1024L,
                new Settings.Processing(
                        v.integer("osteonode.pipeline.queue-size", 1, 1_000_000),
                        v.workers("osteonode.research.workers"),
                        v.workers("osteonode.clinical.workers"),
                        v.integer("osteonode.pipeline.max-attempts", 1, 100),
                        Duration.ofMillis(v.integer("osteonode.pipeline.retry-delay-ms", 0, 3_600_000)),
                        Duration.ofMinutes(v.integer("osteonode.spool.stale-minutes", 1, 100_000))),
                secretFile.isEmpty() ? dataDir.resolve("secret.key") : Path.of(secretFile),
                new DeidOptions(
                        v.bool("osteonode.deid.retain-patient-characteristics"),
                        v.bool("osteonode.deid.retain-longitudinal-modified-dates"),
                        v.bool("osteonode.deid.clean-descriptors"),
                        v.bool("osteonode.deid.retain-device-identity"),
                        v.bool("osteonode.deid.retain-institution-identity"),
                        v.bool("osteonode.deid.retain-uids"),
                        v.bool("osteonode.deid.retain-safe-private"),
                        v.codeStrings("osteonode.deid.quarantine-modalities"),
                        v.integer("osteonode.deid.max-date-shift-days", 1, 36500)),
                new Settings.Research(v.anyOr("osteonode.research.modalities", v::codeStrings),
                        v.anyOr("osteonode.research.body-parts", v::bodyParts),
                        v.anyOr("osteonode.research.sop-classes", v::uids)),
                new Settings.Pacs(v.aeTitle("osteonode.pacs.ae-title"), v.raw("osteonode.pacs.host"),
                        v.integer("osteonode.pacs.port", 1, 65535), pacsTls),
                new Settings.Delivery(v.integer("osteonode.outbox.max-attempts", 1, 1000),
                        Duration.ofSeconds(v.integer("osteonode.outbox.retry-delay-seconds", 0, 86400))),
                new Settings.Inference(
                        v.modelDir("osteonode.model.dir"),
                        v.providerRequest("osteonode.inference.provider"),
                        v.integer("osteonode.inference.batch-size", 1, 256),
                        Duration.ofMillis(v.integer("osteonode.inference.max-wait-ms", 0, 10_000))),
                new Settings.Clinical(v.bodyParts("osteonode.clinical.body-parts"),
                        v.integer("osteonode.clinical.max-study-age-days", 0, 36500),
                        Duration.ofSeconds(v.integer("osteonode.study.stable-seconds", 0, 86400)),
                        Duration.ofDays(v.integer("osteonode.clinical.retain-days", 0, 3650)),
                        Duration.ofSeconds(v.integer("osteonode.clinical.decoder-timeout-seconds", 1, 3600)),
                        v.integer("osteonode.clinical.decoder-memory-mb", 64, 65536) * 1024L * 1024L),
                cluster(v),
                Duration.ofSeconds(v.integer("osteonode.shutdown.grace-seconds", 0, 3600)),
                v.oneOf("osteonode.log.level", Set.of("ERROR", "WARN", "INFO", "DEBUG", "TRACE")));
    }

    /**
     * Cluster mode needs what every node shares: an external database (an embedded one is one node's), the
     * brokers, the two buckets and their credentials. Each missing piece stops start-up naming its key.
     */
    private static Settings.Cluster cluster(Values v) {
        if (!v.bool("osteonode.cluster.enabled")) {
            return new Settings.Cluster(false, "", "", Map.of(), java.util.Optional.empty(), "", "", "", "", "", false);
        }
        if (v.raw("osteonode.db.url").isEmpty()) {
            throw new ConfigException("osteonode.db.url", "is empty (the embedded database), but "
                    + "osteonode.cluster.enabled is true: the nodes of a cluster share one external PostgreSQL; "
                    + "set osteonode.db.url (docs/scale-out.md)");
        }
        for (String key : List.of("osteonode.cluster.kafka.bootstrap-servers", "osteonode.cluster.kafka.topic",
                "osteonode.cluster.s3.region", "osteonode.cluster.s3.phi-bucket", "osteonode.cluster.s3.deid-bucket",
                "osteonode.cluster.s3.access-key-id", "osteonode.cluster.s3.secret-access-key")) {
            if (v.raw(key).isEmpty()) {
                throw new ConfigException(key, "is empty, but osteonode.cluster.enabled is true (docs/scale-out.md)");
            }
        }
        if (v.raw("osteonode.cluster.s3.phi-bucket").equals(v.raw("osteonode.cluster.s3.deid-bucket"))) {
            throw new ConfigException("osteonode.cluster.s3.deid-bucket", "is the PHI bucket too: identified and "
                    + "de-identified objects must not share a bucket (they have different readers)");
        }
        String endpoint = v.raw("osteonode.cluster.s3.endpoint");
        java.util.Optional<java.net.URI> uri = java.util.Optional.empty();
        if (!endpoint.isEmpty()) {
            try {
                uri = java.util.Optional.of(new java.net.URI(endpoint));
            } catch (java.net.URISyntaxException e) {
                throw new ConfigException("osteonode.cluster.s3.endpoint", "'" + endpoint + "' is not a URL");
            }
            if (!List.of("http", "https").contains(uri.get().getScheme())) {
                throw new ConfigException("osteonode.cluster.s3.endpoint", "'" + endpoint
                        + "' is not an http:// or https:// URL");
            }
        }
        Map<String, String> client = new java.util.TreeMap<>();
        v.optionalFile("osteonode.cluster.kafka.client-properties-file")
                .ifPresent(file -> readFile(file).forEach(client::put));
        return new Settings.Cluster(true, v.raw("osteonode.cluster.kafka.bootstrap-servers"),
                v.raw("osteonode.cluster.kafka.topic"), Map.copyOf(client), uri, v.raw("osteonode.cluster.s3.region"),
                v.raw("osteonode.cluster.s3.phi-bucket"), v.raw("osteonode.cluster.s3.deid-bucket"),
                v.raw("osteonode.cluster.s3.access-key-id"), v.raw("osteonode.cluster.s3.secret-access-key"),
                v.bool("osteonode.cluster.s3.server-side-encryption"));
    }

    /** The DICOM ports and TLS files must make a node that can be reached, and TLS that can start. */
    private static void requireConsistent(Settings.Dicom dicom, Settings.Tls tls, boolean pacsTls) {
        if (dicom.port() == 0 && dicom.tlsPort() == 0) {
            throw new ConfigException("osteonode.dicom.port", "is empty and so is osteonode.dicom.tls-port: the node "
                    + "would not listen for DICOM at all; set at least one");
        }
        if (dicom.port() != 0 && dicom.port() == dicom.tlsPort()) {
            throw new ConfigException("osteonode.dicom.tls-port", "is the same as osteonode.dicom.port ("
                    + dicom.port() + "); TLS needs a port of its own (usually 2762)");
        }
        if (tls.certificateFile().isPresent() != tls.keyFile().isPresent()) {
            throw new ConfigException(tls.certificateFile().isPresent() ? "osteonode.dicom.tls-key-file"
                    : "osteonode.dicom.tls-cert-file", "is empty: the certificate and its key go together");
        }
        if (dicom.tlsPort() != 0 && tls.certificateFile().isEmpty()) {
            throw new ConfigException("osteonode.dicom.tls-cert-file", "is empty, but osteonode.dicom.tls-port is "
                    + "set: the TLS port needs the node's certificate and key (PEM)");
        }
        if (dicom.tlsPort() == 0 && tls.clientCaFile().isPresent()) {
            throw new ConfigException("osteonode.dicom.tls-client-ca-file", "is set, but osteonode.dicom.tls-port is "
                    + "empty: client certificates are checked on the TLS port only");
        }
        if (!pacsTls && tls.pacsCaFile().isPresent()) {
            throw new ConfigException("osteonode.pacs.tls-ca-file", "is set, but osteonode.pacs.tls is false");
        }
    }

    /** Typed access to the merged raw values; every failure names its key. */
    private record Values(Map<String, String> raw) {
        String raw(String key) {
            return raw.get(key);
        }

        /** A worker count; empty means one per core. */
        int workers(String key) {
            return raw(key).isEmpty() ? Runtime.getRuntime().availableProcessors() : integer(key, 1, 256);
        }

        /** A TCP port; empty: off (0). */
        int portOrOff(String key) {
            return raw(key).isEmpty() ? 0 : integer(key, 1, 65535);
        }

        /** A file that must exist when named; empty: none. */
        java.util.Optional<Path> optionalFile(String key) {
            String value = raw(key);
            if (value.isEmpty()) {
                return java.util.Optional.empty();
            }
            Path file = Path.of(value).toAbsolutePath().normalize();
            if (!java.nio.file.Files.isRegularFile(file)) {
                throw new ConfigException(key, "'" + value + "' is not a file");
            }
            return java.util.Optional.of(file);
        }

        int integer(String key, int min, int max) {
            String value = raw(key);
            try {
                int parsed = Integer.parseInt(value);
                if (parsed < min || parsed > max) {
                    throw new ConfigException(key, "'" + value + "' is out of range " + min + ".." + max);
                }
                return parsed;
            } catch (NumberFormatException e) {
                throw new ConfigException(key, "'" + value + "' is not a whole number");
            }
        }

        /** Names only; the clinical path checks them against the body-part vocabulary, naming this key. */
        Set<String> bodyParts(String key) {
            Set<String> parts = new java.util.LinkedHashSet<>();
            for (String name : raw(key).split(",")) {
                if (!name.isBlank()) {
                    parts.add(name.trim().toUpperCase(Locale.ROOT));
                }
            }
            return Set.copyOf(parts);
        }

        boolean bool(String key) {
            return switch (raw(key).toLowerCase(Locale.ROOT)) {
                case "true" -> true;
                case "false" -> false;
                default -> throw new ConfigException(key, "'" + raw(key) + "' is neither true nor false");
            };
        }

        /** A comma list of DICOM Code Strings (upper case letters, digits, space, underscore). */
        Set<String> codeStrings(String key) {
            Set<String> values = Arrays.stream(raw(key).split(","))
                    .map(String::trim)
                    .filter(s -> !s.isEmpty())
                    .collect(Collectors.toUnmodifiableSet());
            for (String value : values) {
                if (!value.matches("[A-Z0-9_ ]{1,16}")) {
                    throw new ConfigException(key, "'" + value + "' is not a DICOM code string such as US or SC");
                }
            }
            return values;
        }

        /** {@code *} for any (an empty set); else the list {@code parse} reads. An empty value is a mistake. */
        Set<String> anyOr(String key, java.util.function.Function<String, Set<String>> parse) {
            if (raw(key).trim().equals("*")) {
                return Set.of();
            }
            Set<String> values = parse.apply(key);
            if (values.isEmpty()) {
                throw new ConfigException(key, "is empty; write * for any");
            }
            return values;
        }

        /** A comma list of UIDs. */
        Set<String> uids(String key) {
            Set<String> values = Arrays.stream(raw(key).split(","))
                    .map(String::trim)
                    .filter(s -> !s.isEmpty())
                    .collect(Collectors.toUnmodifiableSet());
            for (String value : values) {
                if (!value.matches("[0-9]+(\\.[0-9]+)*") || value.length() > 64) {
                    throw new ConfigException(key, "'" + value + "' is not a UID such as 1.2.840.10008.5.1.4.1.1.1");
                }
            }
            return values;
        }

        String oneOf(String key, Set<String> allowed) {
            String value = raw(key).toUpperCase(Locale.ROOT);
            if (!allowed.contains(value)) {
                throw new ConfigException(key, "'" + raw(key) + "' is not one of " + new java.util.TreeSet<>(allowed));
            }
            return value;
        }

        Path path(String key) {
            String value = raw(key);
            if (value.isEmpty()) {
                throw new ConfigException(key, "must name a directory");
            }
            return Path.of(value).toAbsolutePath().normalize();
        }

        /** Empty: the demo model bundled with the installation (model/demo). */
        Path modelDir(String key) {
            String value = raw(key);
            return value.isEmpty() ? Installation.bundledDemoModel() : Path.of(value).toAbsolutePath().normalize();
        }

        ProviderRequest providerRequest(String key) {
            ProviderRequest request = ProviderRequest.parse(raw(key));
            if (request == null) {
                throw new ConfigException(key, "'" + raw(key) + "' is not one of auto, cuda, cpu");
            }
            return request;
        }

        String aeTitle(String key) {
            String value = raw(key);
            String problem = aeTitleProblem(value);
            if (problem != null) {
                throw new ConfigException(key, "'" + value + "' is not a valid AE title: " + problem);
            }
            return value;
        }

        Settings.CallingAeTitles callingAeTitles(String key) {
            String value = raw(key);
            if (value.equals("*")) {
                return new Settings.CallingAeTitles(Set.of(), true);
            }
            Set<String> titles = Arrays.stream(value.split(","))
                    .map(String::trim)
                    .filter(s -> !s.isEmpty())
                    .collect(Collectors.toUnmodifiableSet());
            for (String title : titles) {
                String problem = aeTitleProblem(title);
                if (problem != null) {
                    throw new ConfigException(key, "'" + title + "' is not a valid AE title: " + problem
                            + " (use * to allow any calling AE title)");
                }
            }
            return new Settings.CallingAeTitles(titles, false);
        }
    }

    /** PS3.5 AE VR: 1 to 16 characters of the default repertoire, no backslash, no control characters. */
    static String aeTitleProblem(String value) {
        if (value.isEmpty() || value.length() > 16) {
            return "it must have 1 to 16 characters";
        }
        for (char c : value.toCharArray()) {
            if (c < 0x20 || c > 0x7e || c == '\\') {
                return "it may hold only printable ASCII characters other than backslash";
            }
        }
        return null;
    }
}
