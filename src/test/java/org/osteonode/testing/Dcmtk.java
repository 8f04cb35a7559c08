package org.osteonode.testing;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** dcmtk's storescu and echoscu, the sending PACS of the tests. */
public final class Dcmtk {
    private Dcmtk() {
    }

    /** Exit code and everything the tool printed (verbose, so each C-STORE response status is listed). */
    public record Result(int exitCode, String output) {
        public long successes() {
            return output.lines().filter(l -> l.contains("Received Store Response (Success)")).count();
        }
    }

    public static Result echoscu(int port, String callingAeTitle, String calledAeTitle) throws Exception {
        return run(List.of("echoscu", "-v", "-aet", callingAeTitle, "-aec", calledAeTitle, "localhost",
                Integer.toString(port)));
    }

    public static Result storescu(int port, String callingAeTitle, List<Path> files, String... options)
            throws Exception {
        List<String> command = new ArrayList<>(List.of("storescu", "-v", "-aet", callingAeTitle, "-aec", "OSTEONODE"));
        command.addAll(List.of(options));
        command.add("localhost");
        command.add(Integer.toString(port));
        files.forEach(f -> command.add(f.toString()));
        return run(command);
    }

    public static Result run(List<String> command) throws IOException, InterruptedException {
        Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
        byte[] output = process.getInputStream().readAllBytes();
        if (!process.waitFor(5, TimeUnit.MINUTES)) {
            process.destroyForcibly();
            throw new AssertionError(command.get(0) + " did not finish");
        }
        return new Result(process.exitValue(), new String(output, StandardCharsets.UTF_8));
    }
}
