package org.osteonode.deid;

import org.osteonode.config.DeidOptions;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.osteonode.deid.ConfidentialityProfile.Action;

import java.io.InputStream;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;

class ConfidentialityProfileTest {
    private static final DeidOptions NONE = new DeidOptions(false, false, false, false, false, false, false, Set.of(), 1);

    @Test
    void everyRowOfTableE11IsReadWithItsBasicProfileAction() throws Exception {
        ConfidentialityProfile profile = new ConfidentialityProfile(NONE);
        JsonNode rows = table();

        assertThat(rows.size()).isEqualTo(621);
        for (JsonNode row : rows) {
            int[] tag = concreteTag(row.get("tag").asText());
            assertThat(profile.resolve(tag[0], tag[1]).action()).as(row.get("name").asText())
                    .isEqualTo(basic(row.get("basicProfile").asText()));
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"rtnPatCharsOpt", "rtnLongModifDatesOpt", "cleanDescOpt", "rtnDevIdOpt", "rtnInstIdOpt",
            "rtnUIDsOpt", "rtnSafePrivOpt"})
    void eachOptionOverridesExactlyTheRowsItHasAnActionFor(String column) throws Exception {
        ConfidentialityProfile profile = new ConfidentialityProfile(only(column));

        for (JsonNode row : table()) {
            int[] tag = concreteTag(row.get("tag").asText());
            JsonNode option = row.get(column);
            Action expected = option == null ? basic(row.get("basicProfile").asText())
                    : option.asText().equals("K") ? Action.KEEP : Action.CLEAN;
            assertThat(profile.resolve(tag[0], tag[1]).action()).as(row.get("name").asText() + " with " + column)
                    .isEqualTo(expected);
        }
    }

    @Test
    void theDefaultsActAsTheResearchPathNeeds() {
        ConfidentialityProfile profile = new ConfidentialityProfile(DeidOptions.defaults());

        assertThat(profile.resolve(0x0010, 0x0010).action()).as("Patient's Name").isEqualTo(Action.EMPTY);
        assertThat(profile.resolve(0x0010, 0x1010).action()).as("Patient's Age").isEqualTo(Action.KEEP);
        assertThat(profile.resolve(0x0008, 0x0020).action()).as("Study Date").isEqualTo(Action.CLEAN);
        assertThat(profile.resolve(0x0008, 0x1030).action()).as("Study Description").isEqualTo(Action.CLEAN);
        assertThat(profile.resolve(0x0020, 0x000D).action()).as("Study Instance UID").isEqualTo(Action.REPLACE_UID);
        assertThat(profile.resolve(0x0008, 0x1010).action()).as("Station Name").isEqualTo(Action.REMOVE_UNLESS_REQUIRED);
        assertThat(profile.resolve(0x0019, 0x1001).action()).as("private").isEqualTo(Action.REMOVE);
        assertThat(profile.resolve(0x6002, 0x3000).action()).as("Overlay Data").isEqualTo(Action.REMOVE);
        assertThat(profile.resolve(0x5004, 0x0010).action()).as("Curve Data").isEqualTo(Action.REMOVE);
        assertThat(profile.resolve(0x0028, 0x0010).action()).as("Rows").isEqualTo(Action.NOT_LISTED);
    }

    private static DeidOptions only(String column) {
        return new DeidOptions(column.equals("rtnPatCharsOpt"), column.equals("rtnLongModifDatesOpt"),
                column.equals("cleanDescOpt"), column.equals("rtnDevIdOpt"), column.equals("rtnInstIdOpt"),
                column.equals("rtnUIDsOpt"), column.equals("rtnSafePrivOpt"), Set.of(), 1);
    }

    private static Action basic(String code) {
        return switch (code) {
            case "X" -> Action.REMOVE;
            case "Z" -> Action.EMPTY;
            case "D" -> Action.DUMMY;
            case "U" -> Action.REPLACE_UID;
            case "X/Z", "X/D", "X/Z/D" -> Action.REMOVE_UNLESS_REQUIRED;
            case "Z/D" -> Action.EMPTY_UNLESS_REQUIRED;
            case "X/Z/U*" -> Action.REPLACE_UIDS_INSIDE;
            default -> throw new AssertionError("unexpected action in the table: " + code);
        };
    }

    /** A tag that the row stands for: patterns get a concrete member (group 6002, element 0010, odd group 0019). */
    private static int[] concreteTag(String tag) {
        String upper = tag.toUpperCase();
        if (upper.startsWith("(GGGG,EEEE)")) {
            return new int[] {0x0019, 0x1001};
        }
        String group = upper.substring(1, 5).replace("XX", "02");
        String element = upper.substring(6, 10).replace("XXXX", "0010");
        return new int[] {Integer.parseInt(group, 16), Integer.parseInt(element, 16)};
    }

    private static JsonNode table() throws Exception {
        try (InputStream in = ConfidentialityProfile.class.getResourceAsStream("confidentiality_profile_attributes.json")) {
            return new ObjectMapper().readTree(in);
        }
    }
}
