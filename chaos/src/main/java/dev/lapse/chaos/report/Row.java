package dev.lapse.chaos.report;

/**
 * One line of the table.
 *
 * @param check {@link Check#INFO} for a figure, else whether a row that must hold did
 */
public record Row(String name, String value, Check check) {

    /** The verdict of a row. */
    public enum Check {
        INFO(""), OK("ok"), FAIL("FAIL");

        private final String label;

        Check(String label) {
            this.label = label;
        }

        public String label() {
            return label;
        }

        static Check of(boolean holds) {
            return holds ? OK : FAIL;
        }
    }
}
