package org.osteonode.cli;

import java.io.PrintStream;

/** A progress bar with rate and time left on a terminal; on a pipe or file, a line every tenth of the way. */
final class Progress {
    private static final int WIDTH = 40;
    private final PrintStream out;
    private final int total;
    private final String unit;
    private final long started = System.nanoTime();
    private final boolean terminal = System.console() != null;
    private int lastTenth = -1;
    private long lastDraw;

    Progress(PrintStream out, int total, String unit) {
        this.out = out;
        this.total = Math.max(total, 1);
        this.unit = unit;
    }

    synchronized void update(int done) {
        long now = System.nanoTime();
        if (terminal) {
            if (now - lastDraw < 100_000_000L && done < total) {
                return;
            }
            lastDraw = now;
            int filled = done * WIDTH / total;
            double rate = done / seconds();
            long left = rate > 0 ? Math.round((total - done) / rate) : 0;
            out.printf("\r[%s%s] %d/%d %s, %.1f %s/s, %d:%02d left ", "#".repeat(filled), ".".repeat(WIDTH - filled),
                    done, total, unit, rate, unit, left / 60, left % 60);
        } else if (done * 10 / total > lastTenth) {
            lastTenth = done * 10 / total;
            out.printf("%d/%d %s%n", done, total, unit);
        }
    }

    void finish() {
        if (terminal) {
            out.println();
        }
    }

    double seconds() {
        return (System.nanoTime() - started) / 1e9;
    }
}
