package dev.lapse.request.security;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

class HeaderCharactersTest {

    // StrictHttpFirewall's own expressions (spring-security-web 7.1), which the predicates replace.
    private static final Pattern NAMES = Pattern.compile("[\\p{IsAssigned}&&[^\\p{IsControl}]]*");
    private static final Pattern VALUES = Pattern.compile("[\\p{IsAssigned}&&[[^\\p{IsControl}]||\\t]]*");

    @Test
    void predicates_answerAsTheFirewallsExpressions_forEveryCodePoint() {
        List<Integer> differ = new ArrayList<>();
        for (int codePoint = 0; codePoint <= Character.MAX_CODE_POINT; codePoint++) {
            String text = "a" + new String(Character.toChars(codePoint)) + "b";
            if (HeaderCharacters.NAMES.test(text) != NAMES.matcher(text).matches()
                    || HeaderCharacters.VALUES.test(text) != VALUES.matcher(text).matches()) {
                differ.add(codePoint);
            }
        }
        assertThat(differ).isEmpty();
    }

    @Test
    void predicates_answerAsTheFirewallsExpressions_forTabsLoneSurrogatesAndTheEmptyValue() {
        for (String text : List.of("", "\t", "Bearer\tx", "\ud800", "x\udc00y", "line\nbreak", "\u007f", "é ü")) {
            assertThat(HeaderCharacters.NAMES.test(text)).as(text).isEqualTo(NAMES.matcher(text).matches());
            assertThat(HeaderCharacters.VALUES.test(text)).as(text).isEqualTo(VALUES.matcher(text).matches());
        }
    }
}
