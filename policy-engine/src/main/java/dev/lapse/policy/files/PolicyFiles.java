package dev.lapse.policy.files;

import dev.lapse.policy.rules.LoadError;
import dev.lapse.policy.rules.PolicyLoad;
import dev.lapse.policy.rules.PolicySet;
import dev.lapse.policy.rules.PolicySource;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.HexFormat;
import java.util.List;
import java.util.stream.Stream;
import org.jspecify.annotations.Nullable;
import org.springframework.core.io.Resource;
import org.springframework.core.io.support.PathMatchingResourcePatternResolver;

/** Where policy files are read from: a directory, or the sample set bundled in policy-engine's jar. */
public sealed interface PolicyFiles permits PolicyFiles.Directory, PolicyFiles.Bundled {

    /** Loads every policy file, all or nothing (see {@link PolicySet#load(Path)}). */
    PolicyLoad load();

    /** Where, in words, for logs and the endpoint. */
    String describe();

    /**
     * A fingerprint of the files as they are now (names and contents), or null when they cannot be read: a change
     * of fingerprint is a change to reload.
     */
    @Nullable String fingerprint();

    /** The files of {@code directory} when set, otherwise the bundled sample set. */
    static PolicyFiles of(@Nullable Path directory) {
        return directory == null ? new Bundled() : new Directory(directory);
    }

    /** The policy files directly in a directory: {@code *.yaml} and {@code *.yml}. */
    record Directory(Path path) implements PolicyFiles {

        @Override
        public PolicyLoad load() {
            return PolicySet.load(path);
        }

        @Override
        public String describe() {
            return path.toAbsolutePath().normalize().toString();
        }

        @Override
        public @Nullable String fingerprint() {
            MessageDigest digest = sha256();
            try (Stream<Path> files = Files.list(path)) {
                for (Path file : files.filter(Directory::isPolicyFile).sorted().toList()) {
                    digest.update(file.getFileName().toString().getBytes(StandardCharsets.UTF_8));
                    digest.update((byte) 0);
                    digest.update(Files.readAllBytes(file));
                    digest.update((byte) 0);
                }
            } catch (IOException | RuntimeException e) {
                return null;
            }
            return HexFormat.of().formatHex(digest.digest());
        }

        private static boolean isPolicyFile(Path file) {
            String name = file.getFileName().toString();
            return Files.isRegularFile(file) && (name.endsWith(".yaml") || name.endsWith(".yml"));
        }
    }

    /** The sample set in the jar, {@code classpath:policies/}; it never changes while the service runs. */
    record Bundled() implements PolicyFiles {

        /** Where the sample set lives on the classpath. */
        public static final String LOCATION = "classpath:policies/";

        @Override
        public PolicyLoad load() {
            List<PolicySource> sources = new ArrayList<>();
            try {
                for (Resource resource : resources()) {
                    try (InputStream in = resource.getInputStream()) {
                        sources.add(new PolicySource(String.valueOf(resource.getFilename()),
                                new String(in.readAllBytes(), StandardCharsets.UTF_8)));
                    }
                }
            } catch (IOException e) {
                return new PolicyLoad.Failed(List.of(new LoadError(LOCATION, 0, "cannot read: " + e)));
            }
            if (sources.isEmpty()) {
                return new PolicyLoad.Failed(List.of(new LoadError(LOCATION, 0, "no policy files (*.yaml)")));
            }
            return PolicySet.load(sources);
        }

        @Override
        public String describe() {
            return LOCATION + " (the bundled sample set)";
        }

        @Override
        public @Nullable String fingerprint() {
            return LOCATION;
        }

        private static List<Resource> resources() throws IOException {
            PathMatchingResourcePatternResolver resolver = new PathMatchingResourcePatternResolver();
            List<Resource> found = new ArrayList<>(Arrays.asList(resolver.getResources(LOCATION + "*.yaml")));
            found.addAll(Arrays.asList(resolver.getResources(LOCATION + "*.yml")));
            found.sort(Comparator.comparing(resource -> String.valueOf(resource.getFilename())));
            return found;
        }
    }

    private static MessageDigest sha256() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every JVM has SHA-256", e);
        }
    }
}
