package org.osteonode.cli;

import org.osteonode.config.Settings;
import org.osteonode.config.SettingsLoader;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.Callable;

@Command(name = "outbox", description = "Manage reports waiting for the PACS. 'retry' re-queues the dead-lettered "
        + "ones (asks the running node on its HTTP port, from this machine).")
final class OutboxCommand implements Callable<Integer> {

    @Parameters(paramLabel = "ACTION", description = "retry")
    private String action;

    @Option(names = "--config", paramLabel = "FILE", description = "Java properties file (conf/osteonode.properties).")
    private Path config;

    @Override
    public Integer call() throws Exception {
        if (!action.equals("retry")) {
            System.err.println("osteonode outbox: unknown action '" + action + "' (try: retry)");
            return 2;
        }
        Settings settings = SettingsLoader.load(config, System.getenv());
        URI uri = URI.create("http://localhost:" + settings.httpPort() + "/outbox/retry");
        try {
            HttpResponse<String> response = HttpClient.newHttpClient().send(HttpRequest.newBuilder(uri)
                    .timeout(Duration.ofSeconds(30)).POST(HttpRequest.BodyPublishers.noBody()).build(),
                    HttpResponse.BodyHandlers.ofString());
            System.out.println(response.body());
            return response.statusCode() == 200 ? 0 : 1;
        } catch (IOException e) {
            System.err.println("osteonode outbox: no node answers on " + uri + "; start it (bin/osteonode serve) "
                    + "and try again");
            return 1;
        }
    }
}
