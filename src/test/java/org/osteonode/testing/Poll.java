package org.osteonode.testing;

import java.time.Duration;
import java.util.concurrent.Callable;

/** Waits for a condition with a deadline, instead of sleeping for a guessed time. */
public final class Poll {
    private Poll() {
    }

    public static void until(Duration timeout, String what, Callable<Boolean> condition) throws Exception {
        long deadline = System.nanoTime() + timeout.toNanos();
        Exception last = null;
        while (System.nanoTime() < deadline) {
            try {
                if (condition.call()) {
                    return;
                }
                last = null;
            } catch (Exception e) {
                last = e;
            }
            Thread.sleep(100);
        }
        throw new AssertionError("timed out after " + timeout.toSeconds() + " s waiting for " + what
                + (last == null ? "" : " (last error: " + last + ")"));
    }

    /** Waits for {@code value} to give something other than null, and returns it. */
    public static <T> T value(Duration timeout, String what, Callable<T> value) throws Exception {
        java.util.concurrent.atomic.AtomicReference<T> found = new java.util.concurrent.atomic.AtomicReference<>();
        until(timeout, what, () -> {
            found.set(value.call());
            return found.get() != null;
        });
        return found.get();
    }
}
