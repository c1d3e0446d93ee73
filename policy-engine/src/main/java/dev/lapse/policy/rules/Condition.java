package dev.lapse.policy.rules;

import dev.cel.runtime.CelEvaluationException;
import dev.cel.runtime.CelRuntime;
import java.util.Map;

/** A rule's CEL condition, compiled when the policy files were loaded. */
public final class Condition {

    private final String expression;
    private final CelRuntime.Program program;

    Condition(String expression, CelRuntime.Program program) {
        this.expression = expression;
        this.program = program;
    }

    /** The expression as written in the policy file. */
    public String expression() {
        return expression;
    }

    /** Evaluates against the variables {@code request}, {@code requester}, {@code now} and {@code duration}. */
    boolean test(Map<String, ?> variables) throws EvaluationFailure {
        Object result;
        try {
            result = program.eval(variables);
        } catch (CelEvaluationException e) {
            throw new EvaluationFailure(e.getMessage());
        }
        if (result instanceof Boolean value) {
            return value;
        }
        throw new EvaluationFailure("the condition gave " + result + " instead of true or false");
    }

    /** A condition that could not be evaluated for one request (for example a missing key). */
    static final class EvaluationFailure extends Exception {
        EvaluationFailure(String message) {
            super(message);
        }
    }

    @Override
    public String toString() {
        return expression;
    }
}
