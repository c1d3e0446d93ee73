package dev.lapse.chaos;

import static org.assertj.core.api.Assertions.assertThat;

import dev.lapse.chaos.AuditCheck.Coordinates;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Only the coordinates are read from an audit line, whatever else the entry holds. */
class AuditCheckTest {

    @TempDir
    Path dir;

    @Test
    void coordinates_ofTodaysLinkFormat() {
        String line = "{\"entry\":{\"eventId\":\"e\",\"offset\":7,\"partition\":3,\"payloadJson\":{\"topic\":\"x\"},"
                + "\"topic\":\"lapse.access.granted\"},\"hash\":\"ab\",\"prev\":\"cd\"}";

        assertThat(AuditCheck.coordinates(line)).contains(new Coordinates("lapse.access.granted", 3, 7));
    }

    @Test
    void coordinates_atTheTopLevel_orAsDigitStrings() {
        assertThat(AuditCheck.coordinates("{\"topic\":\"lapse.a\",\"partition\":0,\"offset\":\"12\",\"x\":{}}"))
                .contains(new Coordinates("lapse.a", 0, 12));
    }

    @Test
    void coordinates_ofALineWithoutThem_orNotJson_areEmpty() {
        assertThat(AuditCheck.coordinates("{\"entry\":{\"topic\":\"lapse.a\"}}")).isEmpty();
        assertThat(AuditCheck.coordinates("{\"entry\":{\"topic\":\"lapse.a\",\"partit")).isEmpty();
    }

    @Test
    void entries_countsEachRecordOverEveryChainFile_butState_andALineWithoutCoordinatesAsItsOwn() throws Exception {
        // given
        Files.writeString(dir.resolve("lapse.a-0.jsonl"), """
                {"entry":{"topic":"lapse.a","partition":0,"offset":0}}
                {"entry":{"topic":"lapse.a","partition":0,"offset":1}}
                {"entry":{"topic":"lapse.a","partition":0,"offset":1}}
                """);
        Files.writeString(dir.resolve("lapse.b-2.jsonl"), "{\"entry\":{\"topic\":\"lapse.b\"}}\n");
        Files.writeString(dir.resolve("lapse.state.grants-0.jsonl"),
                "{\"entry\":{\"topic\":\"lapse.state.grants\",\"partition\":0,\"offset\":0}}\n");
        Files.writeString(dir.resolve("checkpoints.json"), "{\"topic\":\"lapse.a\",\"partition\":0,\"offset\":0}\n");

        // when
        var entries = AuditCheck.entries(dir);

        // then
        assertThat(entries).containsOnly(
                java.util.Map.entry(new Coordinates("lapse.a", 0, 0), 1),
                java.util.Map.entry(new Coordinates("lapse.a", 0, 1), 2),
                java.util.Map.entry(new Coordinates("lapse.b-2.jsonl", -1, -1), 1));
    }
}
