package dev.lapse.policy.files;

import static org.assertj.core.api.Assertions.assertThat;

import dev.lapse.policy.rules.PolicyLoad;
import dev.lapse.policy.rules.Rule;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class PolicyFilesTest {

    @TempDir
    Path directory;

    @Test
    void bundled_loadsTheSampleSetFromTheClasspath() {
        PolicyLoad load = PolicyFiles.of(null).load();

        assertThat(load).isInstanceOfSatisfying(PolicyLoad.Loaded.class, loaded -> {
            assertThat(loaded.policies().rules()).extracting(Rule::name).containsExactly("crm-read-named-columns",
                    "crm-read-secret-columns", "crm-no-delete", "crm-break-glass");
            assertThat(loaded.policies().bundle("support-debug")).isNotNull();
            assertThat(loaded.policies().tableTags().tagsOf("crm.public.customers", "ssn")).containsExactly("secret");
        });
        assertThat(PolicyFiles.of(null).describe()).isEqualTo("classpath:policies/ (the bundled sample set)");
    }

    @Test
    void directory_fingerprintChangesWithAPolicyFile_andIgnoresOtherFiles() throws IOException {
        PolicyFiles files = PolicyFiles.of(directory);
        Files.writeString(directory.resolve("a.yaml"), "rules: []\n");
        String before = files.fingerprint();

        Files.writeString(directory.resolve("notes.txt"), "not a policy");
        assertThat(files.fingerprint()).isEqualTo(before);
        Files.writeString(directory.resolve("a.yaml"), "rules: [] # edited\n");
        assertThat(files.fingerprint()).isNotEqualTo(before).isNotNull();
        Files.writeString(directory.resolve("b.yml"), "rules: []\n");
        assertThat(files.fingerprint()).isNotNull();
    }

    @Test
    void directory_thatDoesNotExist_hasNoFingerprint_andDoesNotLoad() {
        PolicyFiles files = PolicyFiles.of(directory.resolve("missing"));

        assertThat(files.fingerprint()).isNull();
        assertThat(files.load()).isInstanceOf(PolicyLoad.Failed.class);
    }
}
