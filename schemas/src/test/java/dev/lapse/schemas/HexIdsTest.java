package dev.lapse.schemas;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.UUID;
import org.junit.jupiter.api.Test;

class HexIdsTest {

    private static final String ID = "0f1e2d3c-4b5a-6978-8796-a5b4c3d2e1f0";

    @Test
    void canonicalUuid_readsOnlyTheCanonicalForm_andPrintsBackAsGiven() {
        UUID uuid = UUID.fromString(ID);
        assertThat(HexIds.canonicalUuidBits(ID))
                .containsExactly(uuid.getMostSignificantBits(), uuid.getLeastSignificantBits());
        assertThat(HexIds.canonicalUuidBits("ffffffff-ffff-ffff-ffff-ffffffffffff")).containsExactly(-1L, -1L);
        assertThat(HexIds.canonicalUuid(ID)).hasToString(ID);
        // UUID.fromString reads these as the same UUID; as ids they are different ones, so they stay text.
        assertThat(HexIds.canonicalUuid(ID.toUpperCase())).isNull();
        assertThat(HexIds.canonicalUuid("f1e2d3c-4b5a-6978-8796-a5b4c3d2e1f0")).isNull();
        assertThat(HexIds.canonicalUuid(ID.replace('-', '_'))).isNull();
        assertThat(HexIds.canonicalUuid("req-1")).isNull();
    }

    @Test
    void hex32_readsAGrantIdAsItsBits_andWritesItBack() {
        String grantId = GrantIds.of(ID);

        UUID bits = HexIds.hex32(grantId);

        assertThat(bits).isNotNull();
        assertThat(HexIds.hex32(bits)).isEqualTo(grantId);
        assertThat(HexIds.hex32(new UUID(0, 1))).isEqualTo("00000000000000000000000000000001");
        assertThat(HexIds.hex32(grantId.toUpperCase())).isNull();
        assertThat(HexIds.hex32(grantId.substring(1))).isNull();
        assertThat(HexIds.hex32("g-1")).isNull();
    }
}
