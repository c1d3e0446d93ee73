package dev.lapse.revoker.expiry;

import java.util.Arrays;
import java.util.HashMap;
import java.util.Map;

/**
 * The requesters of the watched grants, each under a small number, counted: a grant keeps its requester's number
 * (4 bytes) instead of a reference to a String of its own, and a requester is forgotten when its last grant ends.
 * People, pipelines and agents asking for access are far fewer than the grants they hold, so the dictionary stays
 * small while the grants run into millions.
 *
 * <p>Numbers of forgotten requesters are reused first, so they stay below the peak number of distinct requesters.
 * Not thread-safe: one owner thread.
 */
final class Requesters {

    private final Map<String, Integer> numbers = new HashMap<>();
    private String[] names = new String[16];
    private int[] grants = new int[16];
    /** Numbers given back, as a stack; {@code top} is how many it holds. */
    private int[] free = new int[16];
    private int top;
    private int next;

    /** The number of {@code requesterId}, counting one more grant for it. */
    int acquire(String requesterId) {
        Integer known = numbers.get(requesterId);
        if (known != null) {
            grants[known]++;
            return known;
        }
        int number = top > 0 ? free[--top] : next++;
        if (number == names.length) {
            names = Arrays.copyOf(names, number * 2);
            grants = Arrays.copyOf(grants, number * 2);
        }
        names[number] = requesterId;
        grants[number] = 1;
        numbers.put(requesterId, number);
        return number;
    }

    /** The requester under {@code number}, which must be held. */
    String name(int number) {
        String name = names[number];
        if (name == null || grants[number] == 0) {
            throw new IllegalStateException("no requester holds number " + number);
        }
        return name;
    }

    /** Counts one grant less for the requester under {@code number}; forgets it with its last grant. */
    void release(int number) {
        String name = name(number);
        if (--grants[number] > 0) {
            return;
        }
        numbers.remove(name);
        names[number] = null;
        if (top == free.length) {
            free = Arrays.copyOf(free, top * 2);
        }
        free[top++] = number;
    }

    /** How many distinct requesters hold at least one grant. */
    int size() {
        return numbers.size();
    }

    /** How many grants the requester holds; for tests. */
    int grantsOf(String requesterId) {
        Integer number = numbers.get(requesterId);
        return number == null ? 0 : grants[number];
    }
}
