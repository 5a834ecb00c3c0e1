package dev.rollout.metrics.prometheus;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.rollout.RolloutException;
import dev.rollout.metrics.MeasurePlan;
import dev.rollout.metrics.Measurement;
import dev.rollout.metrics.MetricsReport;
import dev.rollout.metrics.Provenance;
import dev.rollout.metrics.Reading;
import dev.rollout.metrics.Source;
import dev.rollout.metrics.SourceContext;
import dev.rollout.metrics.Window;
import dev.rollout.spec.DataSpec;
import dev.rollout.spec.MetricSource;
import dev.rollout.spec.MetricSpec;
import dev.rollout.spec.RolloutSpec;
import dev.rollout.spec.SourceSpec;

import java.io.IOException;
import java.net.ConnectException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;
import java.util.OptionalDouble;

/**
 * A Prometheus server's HTTP API: per metric one instant query, {@code GET /api/v1/query}, at
 * the window's end, {@code {{window}}} replaced by the window's length in seconds. The result
 * must hold one series per variant, told apart by the source's {@code variantLabel}; Prometheus
 * has aggregated the value already, so there are no rows, and {@code minSamples} does not apply.
 * A query that finds no data (an empty vector, a variant's series missing or duplicated, NaN or
 * an infinity) gives no value, with a note: that holds, never promotes. A server that cannot be
 * reached, does not answer within the source's timeout, or refuses the query stops the
 * evaluation (exit 1) naming the source and the metric.
 */
public final class PrometheusSource implements Source {

    /** The kind of its {@link Provenance}. */
    public static final String KIND = "prometheus";

    private static final ObjectMapper JSON = new ObjectMapper();

    private final SourceSpec.Prometheus source;
    private final SourceContext context;

    public PrometheusSource(SourceSpec.Prometheus source, SourceContext context) {
        this.source = source;
        this.context = context;
    }

    @Override
    public MetricsReport measure(MeasurePlan plan, Window window, Reading reading) {
        RolloutSpec spec = plan.spec();
        String baseline = spec.data().variant().map(DataSpec.VariantSpec::baseline).orElse(spec.model().baseline());
        String candidate = spec.data().variant().map(DataSpec.VariantSpec::candidate).orElse(spec.model().candidate());
        // A window left open at its end (no rollout started, no --until) ends now, on the evaluation's clock.
        Instant at = window.until().orElse(context.now());
        HttpClient client = HttpClient.newBuilder().connectTimeout(source.timeout())
                .followRedirects(HttpClient.Redirect.NORMAL).build();
        List<Measurement> measurements = new ArrayList<>();
        List<Provenance> inputs = new ArrayList<>();
        for (MetricSpec metric : spec.metrics()) {
            String query = metric.source().match(a -> null, c -> null, r -> null, MetricSource.Prometheus::query, d -> null, g -> null);
            if (query == null) {
                // Sources gives this source only the metrics that name it, and the spec lets only queries do that.
                throw new IllegalStateException("metric " + metric.name() + " is not a Prometheus query");
            }
            Optional<String> range = range(metric, query, window.since(), at);
            if (range.isPresent() && range.get().equals("0s")) {
                measurements.add(none(metric, List.of("the window is 0s long (it starts at " + at
                        + "): nothing to query yet")));
                continue;
            }
            String expanded = range.map(r -> query.replace(MetricSource.Prometheus.WINDOW, r)).orElse(query);
            Answer answer = ask(client, metric, expanded, at);
            Series found = Series.of(metric, answer.body(), source.variantLabel(), baseline, candidate, this::error);
            measurements.add(found.measurement());
            inputs.add(new Provenance(KIND, Optional.of(source.name()), shownUrl(), sha256(answer.bytes()),
                    found.count(), found.matched(), Optional.of(expanded), Optional.of(at.toString())));
        }
        return new MetricsReport(inputs, true, 0, 0, measurements, 0,
                List.of("no rows: the metrics of source " + source.name() + " are Prometheus queries, aggregated by"
                        + " Prometheus, so minSamples does not apply to them"), false, Optional.empty());
    }

    /**
     * {@code {{window}}} as a PromQL range: the window's length in whole seconds. Empty when the
     * query does not use it. A window open at its start (no rollout started) has no length:
     * refused, since any length rollout picked would be a guess about the data the user means.
     */
    private Optional<String> range(MetricSpec metric, String query, Optional<Instant> since, Instant at) {
        if (!query.contains(MetricSource.Prometheus.WINDOW)) {
            return Optional.empty();
        }
        if (since.isEmpty()) {
            throw error(metric, "the query uses " + MetricSource.Prometheus.WINDOW + ", but the window has no start:"
                    + " start the rollout (a stage's window starts when it is entered) or give --since (1h, or an instant)");
        }
        long seconds = Math.max(0, Duration.between(since.get(), at).getSeconds());
        return Optional.of(seconds + "s");
    }

    private record Answer(byte[] bytes, JsonNode body) {
    }

    private Answer ask(HttpClient client, MetricSpec metric, String query, Instant at) {
        URI uri = URI.create(base() + "/api/v1/query?query=" + URLEncoder.encode(query, StandardCharsets.UTF_8)
                + "&time=" + URLEncoder.encode(at.toString(), StandardCharsets.UTF_8)
                + "&timeout=" + source.timeout().toSeconds() + "s");
        HttpRequest.Builder request = HttpRequest.newBuilder(uri).timeout(source.timeout()).GET()
                .header("Accept", "application/json");
        context.secret(source.name(), "TOKEN").ifPresent(t -> request.header("Authorization", "Bearer " + t));
        HttpResponse<byte[]> response;
        try {
            response = client.send(request.build(), HttpResponse.BodyHandlers.ofByteArray());
        } catch (HttpTimeoutException e) {
            throw error(metric, "no answer from " + shownUrl() + " within " + source.timeout().toSeconds()
                    + "s (the source's timeout)");
        } catch (ConnectException e) {
            throw error(metric, "cannot connect to " + shownUrl() + " (" + (e.getMessage() == null
                    ? "connection refused" : e.getMessage()) + ")");
        } catch (IOException e) {
            throw error(metric, "reading " + shownUrl() + " failed: " + e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw error(metric, "interrupted while querying " + shownUrl());
        }
        JsonNode body = parse(response.body());
        if (response.statusCode() != 200 || body == null || !"success".equals(body.path("status").asText())) {
            String why = body == null ? "" : (body.path("errorType").asText("") + ": " + body.path("error").asText("")).strip();
            throw error(metric, shownUrl() + " answered HTTP " + response.statusCode()
                    + (why.isEmpty() || why.equals(":") ? " without a Prometheus error" : ", " + why));
        }
        return new Answer(response.body(), body);
    }

    private static JsonNode parse(byte[] bytes) {
        try {
            return JSON.readTree(bytes);
        } catch (IOException e) {
            return null;
        }
    }

    private Measurement none(MetricSpec metric, List<String> notes) {
        return new Measurement(metric.name(), OptionalDouble.empty(), OptionalDouble.empty(), 0, 0, 0, 0, notes);
    }

    RolloutException error(MetricSpec metric, String message) {
        return RolloutException.input("source " + source.name() + ", metric " + metric.name() + ": " + message);
    }

    private String base() {
        String url = source.url();
        return url.endsWith("/") ? url.substring(0, url.length() - 1) : url;
    }

    /** The URL as output and history show it: without a user name (the spec refuses a password in it). */
    String shownUrl() {
        URI uri = URI.create(base());
        if (uri.getRawUserInfo() == null) {
            return base();
        }
        return base().replace(uri.getRawUserInfo() + "@", "");
    }

    private static String sha256(byte[] bytes) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
