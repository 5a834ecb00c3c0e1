package dev.rollout.spec;

import dev.rollout.RolloutException;
import dev.rollout.RolloutException.Location;
import dev.rollout.spec.DataSpec.VariantSpec;
import dev.rollout.spec.MetricSource.Average;
import dev.rollout.spec.MetricSource.ClassificationMetric;
import dev.rollout.spec.MetricSource.RegressionMetric;
import dev.rollout.spec.MetricSpec.Direction;
import dev.rollout.spec.ScoringSpec.ScoreFormula;

import java.io.IOException;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalDouble;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Reads and validates a rollout spec (version 1). The spec is plain data: it is read into
 * typed records field by field, never bound to classes by name, and every rule of
 * DESIGN.md §2 is checked here, so the rest of the program can trust a {@link RolloutSpec}.
 */
public final class SpecLoader {

    static final Pattern NAME = Pattern.compile("[a-z0-9][a-z0-9-]{0,62}");
    static final Pattern METRIC_NAME = Pattern.compile("[A-Za-z0-9][A-Za-z0-9_.-]{0,127}");
    private static final Pattern PERCENTILE = Pattern.compile("p(\\d{1,3}(?:\\.\\d+)?)");
    private static final Pattern SOURCE_NAME = Pattern.compile("[A-Za-z][A-Za-z0-9_]{0,62}");
    private static final String SOURCE_NAME_RULE = "letters, digits and '_', starting with a letter"
            + " (it names the variables ROLLOUT_SOURCE_<NAME>_USER, _PASSWORD, _TOKEN)";
    /** user:password@ in a URL's authority, or a password= parameter. */
    private static final Pattern URL_PASSWORD = Pattern.compile("//[^/@?#]*:[^/@?#]*@|[?&;]password=", Pattern.CASE_INSENSITIVE);
    private static final String NAME_RULE = "lower-case letters, digits and '-', starting with a letter or digit";

    private SpecLoader() {
    }

    /** Reads the spec file; errors name it as it was given. */
    public static RolloutSpec load(Path file) {
        String name = file.toString();
        byte[] bytes;
        try {
            long size = Files.size(file);
            if (size > YamlTreeReader.MAX_BYTES) {
                throw RolloutException.input(Location.file(name), "the spec is " + size + " bytes; the limit is 1 MiB");
            }
            bytes = Files.readAllBytes(file);
        } catch (NoSuchFileException e) {
            throw RolloutException.input(Location.file(name), "no such file");
        } catch (IOException e) {
            throw RolloutException.input(Location.file(name), "cannot read: " + e.getMessage());
        }
        return parse(name, bytes, Optional.of(file));
    }

    /** Validates spec text; {@code file} only names it in errors. A spec given as text cannot include files. */
    public static RolloutSpec parse(String file, byte[] bytes) {
        return parse(file, bytes, Optional.empty());
    }

    private static RolloutSpec parse(String file, byte[] bytes, Optional<Path> path) {
        YamlNode root = YamlTreeReader.read(file, text(file, bytes));
        SpecNode spec = SpecNode.of(file, "", root);
        List<Includes.Library> libraries = Includes.read(spec, file, path);
        return new Reader(file, libraries).spec(spec, Includes.digest(bytes, libraries));
    }

    /** The text of a spec or of a file it includes: UTF-8, without a byte order mark. */
    static String text(String file, byte[] bytes) {
        String text;
        try {
            text = StandardCharsets.UTF_8.newDecoder()
                    .onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT)
                    .decode(java.nio.ByteBuffer.wrap(bytes)).toString();
        } catch (CharacterCodingException e) {
            throw RolloutException.input(Location.file(file), "the spec is not valid UTF-8");
        }
        if (text.startsWith("\uFEFF")) {
            text = text.substring(1);
        }
        return text;
    }

    /** The walk over one spec's tree, and over the files it includes. */
    private record Reader(String file, List<Includes.Library> libraries) {

        RolloutSpec spec(SpecNode root, String digest) {
            long version = root.integer("version", 0, Integer.MAX_VALUE)
                    .orElseThrow(() -> root.errorAt("version", "missing required key 'version' (write version: 1)"));
            if (version != 1) {
                throw root.errorAt("version", "unsupported spec version " + version + "; this rollout reads version 1");
            }
            String name = root.name("name", NAME, NAME_RULE);
            ModelSpec model = model(root.map("model")
                    .orElseThrow(() -> root.errorAt("model", "missing required key 'model'")), name);
            List<StageSpec> stages = withSplitCheck(stages(root), root.map("splitCheck").map(this::splitCheck));
            Optional<SpecNode> dataNode = dataWithLibraries(root, model);
            DataSpec data = data(dataNode, model);
            Map<String, SourceSpec> sources = root.map("sources").map(this::sources).orElse(Map.of());
            labelsSource(dataNode, data, sources);
            List<MetricSpec> metrics = metrics(root, data, sources);
            libraries.forEach(l -> l.node().finish());
            ScoringSpec scoring = scoring(root.map("scoring"));
            HooksSpec hooks = root.map("hooks").map(this::hooks).orElse(HooksSpec.NONE);
            Optional<SliceSpec> slices = root.map("slices").map(s -> slices(s, metrics));
            root.finish();
            return new RolloutSpec(1, name, model, stages, data, metrics, scoring, hooks, sources, digest, slices);
        }

        /** {@code slices:}, after the metrics it names. */
        SliceSpec slices(SpecNode s, List<MetricSpec> metrics) {
            List<String> by = strings(s, "by");
            if (by.isEmpty()) {
                throw s.errorAt("by", "missing required key 'by': the columns whose values make a slice ([region, device])");
            }
            long minRows = s.integer("minRows", 1, Long.MAX_VALUE).orElse(SliceSpec.DEFAULT_MIN_ROWS);
            List<String> names = strings(s, "metrics");
            if (names.isEmpty()) {
                throw s.errorAt("metrics", "missing required key 'metrics': the metrics computed per slice");
            }
            List<String> known = metrics.stream().map(MetricSpec::name).toList();
            for (String n : names) {
                if (!known.contains(n)) {
                    throw s.errorAt("metrics", "'" + n + "' is not a metric of this spec (" + String.join(", ", known) + ")");
                }
            }
            Map<String, Double> maxGap = new HashMap<>();
            Optional<SpecNode> gaps = s.map("maxGap");
            if (gaps.isPresent()) {
                for (String n : gaps.get().keys()) {
                    if (!names.contains(n)) {
                        throw gaps.get().errorAt(n, "'" + n + "' is not one of slices.metrics");
                    }
                    maxGap.put(n, gaps.get().number(n, 0, Double.MAX_VALUE).orElseThrow());
                }
                gaps.get().finish();
            }
            s.finish();
            return new SliceSpec(by, minRows, names, maxGap);
        }

        /** A list of plain, non-empty strings. */
        List<String> strings(SpecNode s, String key) {
            if (!s.has(key)) {
                return List.of();
            }
            List<String> out = new ArrayList<>();
            for (SpecNode.Item item : s.list(key)) {
                String text = item.value().value().map(YamlNode.Scalar::text).filter(t -> !t.isEmpty())
                        .orElseThrow(() -> s.error(item.value(), item.path(), "must be a plain, non-empty value"));
                if (out.contains(text)) {
                    throw s.error(item.value(), item.path(), "'" + text + "' is listed twice");
                }
                out.add(text);
            }
            return out;
        }

        ModelSpec model(SpecNode m, String fallbackName) {
            String name = m.string("name", fallbackName);
            String baseline = m.requiredString("baseline");
            String candidate = m.requiredString("candidate");
            if (baseline.equals(candidate)) {
                throw m.errorAt("candidate", "the candidate must differ from the baseline ('" + baseline + "')");
            }
            m.finish();
            return new ModelSpec(name, baseline, candidate);
        }

        List<StageSpec> stages(SpecNode root) {
            if (!root.has("stages")) {
                root.raw("stages");
                throw root.errorAt("stages", "missing required key 'stages'");
            }
            List<SpecNode.Item> items = root.list("stages");
            if (items.isEmpty()) {
                throw root.errorAt("stages", "a rollout needs at least one stage");
            }
            List<StageSpec> stages = new ArrayList<>();
            Map<String, Integer> seen = new HashMap<>();
            int previousTraffic = 0;
            for (SpecNode.Item item : items) {
                SpecNode s = root.item(item);
                String name = s.name("name", NAME, NAME_RULE);
                if (seen.containsKey(name)) {
                    throw s.errorAt("name", "duplicate stage name '" + name + "' (also stages[" + seen.get(name) + "])");
                }
                seen.put(name, stages.size());
                int traffic = s.integer("traffic", 0, 100)
                        .orElseThrow(() -> s.errorAt("traffic", "missing required key 'traffic' (percent, 0..100)")).intValue();
                if (traffic < previousTraffic) {
                    throw s.errorAt("traffic", "traffic never decreases from one stage to the next: " + traffic
                            + " after " + previousTraffic);
                }
                previousTraffic = traffic;
                long minSamples = s.integer("minSamples", 1, Long.MAX_VALUE).orElse(1L);
                Duration bake = s.duration("bake").orElse(Duration.ZERO);
                Map<String, String> segment = s.labels("segment");
                s.map("segment").ifPresent(m -> oneVariablePerLabel(m, segment.keySet()));
                boolean approval = s.bool("approval", false);
                Optional<SplitCheck> split = s.map("splitCheck").map(this::splitCheck);
                StageSpec stage = tolerance(s, new StageSpec(name, traffic, minSamples, bake, segment, approval), split);
                s.finish();
                stages.add(stage);
            }
            return stages;
        }

        /** {@code splitCheck: {pValue: 0.001, expected: 5}}, at the top level or in a stage. */
        SplitCheck splitCheck(SpecNode c) {
            double pValue = c.number("pValue", 0, 1).orElse(0.001);
            if (pValue == 0) {
                throw c.errorAt("pValue", "must be above 0 (at most 1): below it the split is taken as not applied");
            }
            OptionalDouble expected = c.number("expected", 0, 100);
            if (expected.isPresent() && (expected.getAsDouble() <= 0 || expected.getAsDouble() >= 100)) {
                throw c.errorAt("expected", "the candidate's expected share of rows is a percent strictly between 0 and 100");
            }
            c.finish();
            return new SplitCheck(pValue, expected);
        }

        /** A top-level split check applies to every stage that has none of its own. */
        static List<StageSpec> withSplitCheck(List<StageSpec> stages, Optional<SplitCheck> top) {
            if (top.isEmpty()) {
                return stages;
            }
            return stages.stream().map(s -> s.splitCheck().isPresent() ? s : new StageSpec(s.name(), s.traffic(), s.minSamples(),
                    s.bake(), s.segment(), s.approval(), s.promoteAfter(), s.rollbackAfter(), s.deadline(), top)).toList();
        }

        /** The hook would see one of two labels that share a variable, a different one from run to run. */
        void oneVariablePerLabel(SpecNode segment, Set<String> keys) {
            Map<String, String> byVariable = new HashMap<>();
            for (String key : keys) {
                String variable = StageSpec.segmentVariable(key);
                String other = byVariable.putIfAbsent(variable, key);
                if (other != null) {
                    throw segment.errorAt(key, "'" + other + "' and '" + key + "' both give " + variable
                            + " to the hooks; rename one");
                }
            }
        }

        DataSpec data(Optional<SpecNode> maybe, ModelSpec model) {
            if (maybe.isEmpty()) {
                return new DataSpec(Optional.empty(), Optional.empty(), DataSpec.Format.WIDE, "metric", "value", ',',
                        DataSpec.DEFAULT_MISSING);
            }
            SpecNode d = maybe.get();
            Optional<String> timestamp = d.string("timestamp");
            Optional<VariantSpec> variant = d.map("variant").map(v -> {
                VariantSpec spec = new VariantSpec(v.requiredString("column"),
                        v.string("baseline", model.baseline()), v.string("candidate", model.candidate()));
                if (spec.baseline().equals(spec.candidate())) {
                    throw v.errorAt("candidate", "the candidate's variant value must differ from the baseline's");
                }
                v.finish();
                return spec;
            });
            DataSpec.Format format = d.choice("format", DataSpec.Format.class).orElse(DataSpec.Format.WIDE);
            String metricColumn = "metric";
            String valueColumn = "value";
            Optional<SpecNode> longSpec = d.map("long");
            if (longSpec.isPresent()) {
                metricColumn = longSpec.get().string("metric", metricColumn);
                valueColumn = longSpec.get().string("value", valueColumn);
                longSpec.get().finish();
            }
            char delimiter = ',';
            Optional<String> delim = d.string("delimiter");
            if (delim.isPresent()) {
                if (delim.get().length() != 1 || delim.get().equals("\"") || delim.get().equals("\n") || delim.get().equals("\r")) {
                    throw d.errorAt("delimiter", "must be one character other than a quote or a line break, such as ';' or \"\\t\"");
                }
                delimiter = delim.get().charAt(0);
            }
            List<String> missing = d.has("missing") ? missing(d) : DataSpec.DEFAULT_MISSING;
            Optional<LabelsSpec> labels = d.map("labels").map(l -> labels(l, timestamp, format));
            d.finish();
            return new DataSpec(timestamp, variant, format, metricColumn, valueColumn, delimiter, missing, labels);
        }

        /** {@code data.labels}: labels joined to the predictions on a key, from {@code --labels} files. */
        LabelsSpec labels(SpecNode l, Optional<String> timestamp, DataSpec.Format format) {
            String key = l.requiredString("key");
            String actual = l.requiredString("actual");
            Duration maturity = l.duration("maturity").orElse(Duration.ZERO);
            if (!maturity.isZero() && timestamp.isEmpty()) {
                throw l.errorAt("maturity", "maturity needs data.timestamp: a prediction's age is read from it");
            }
            if (format == DataSpec.Format.LONG) {
                throw l.errorAt("key", "labels are joined to wide exports only (one row per prediction)");
            }
            double minCoverage = l.number("minCoverage", 0, 1).orElse(0.0);
            Optional<String> source = l.string("source");
            l.finish();
            return new LabelsSpec(key, actual, maturity, minCoverage, source);
        }

        /**
         * {@code data.labels.source}, once {@code sources:} is read: an entry that gives rows (sql,
         * command); a Prometheus server answers queries with series, which have no key to join on.
         */
        void labelsSource(Optional<SpecNode> dataNode, DataSpec data, Map<String, SourceSpec> sources) {
            Optional<String> name = data.labels().flatMap(LabelsSpec::source);
            if (name.isEmpty()) {
                return;
            }
            SpecNode l = dataNode.flatMap(d -> d.map("labels")).orElseThrow();
            SourceSpec s = sources.get(name.get());
            if (s == null) {
                throw unknownSource(l, name.get(), sources);
            }
            switch (s.kind()) {
                case SQL, COMMAND -> {
                    // rows with the key and actual columns
                }
                case PROMETHEUS -> throw l.errorAt("source", "source '" + s.name() + "' is a Prometheus server: labels are"
                        + " rows with the key and actual columns, from a sql or command source");
            }
        }

        /** {@code data.missing}: the cell texts that mean no value; they replace the default list. */
        List<String> missing(SpecNode d) {
            List<String> words = new ArrayList<>();
            for (SpecNode.Item item : d.list("missing")) {
                YamlNode.Scalar s = item.value().value().orElseThrow(() -> d.error(item.value(), item.path(),
                        "must be a plain value such as \"\", NaN or NA (quote an empty one)"));
                if (!s.text().equals(s.text().trim())) {
                    throw d.error(item.value(), item.path(), "'" + s.text() + "' has blanks around it; cells are compared"
                            + " without them, so write '" + s.text().trim() + "'");
                }
                if (!words.contains(s.text())) {
                    words.add(s.text());
                }
            }
            return List.copyOf(words);
        }

        List<MetricSpec> metrics(SpecNode root, DataSpec data, Map<String, SourceSpec> sources) {
            List<SpecNode> nodes = metricNodes(root);
            List<MetricSpec> metrics = new ArrayList<>();
            Map<String, MetricSpec> seen = new HashMap<>();
            Map<String, String> paths = new HashMap<>();
            Set<String> undecided = new java.util.HashSet<>();
            for (SpecNode m : nodes) {
                MetricSpec metric = metric(m, data, sources, undecided);
                MetricSpec other = seen.get(metric.name());
                if (other != null) {
                    throw m.errorAt("name", "duplicate metric name '" + metric.name() + "' (also " + paths.get(metric.name())
                            + (other.origin().file().equals(metric.origin().file()) ? ""
                            : " of " + other.origin().file() + ", line " + other.origin().line()) + ")");
                }
                seen.put(metric.name(), metric);
                paths.put(metric.name(), m.path());
                metrics.add(metric);
            }
            metrics = labelDrift(metrics, undecided);
            if (metrics.stream().noneMatch(MetricSpec::scored)) {
                throw root.errorAt("metrics", "every metric has weight 0 or is advisory, so there is no score; give one a weight > 0");
            }
            someMetricCountsWhenMissing(root, metrics);
            return metrics;
        }

        /** The spec's metrics, then those of every file it includes, in include order. */
        List<SpecNode> metricNodes(SpecNode root) {
            boolean included = libraries.stream().anyMatch(l -> l.node().has("metrics"));
            if (!root.has("metrics") && !included) {
                root.raw("metrics");
                throw root.errorAt("metrics", "missing required key 'metrics': a rollout is judged by at least one metric");
            }
            List<SpecNode> nodes = new ArrayList<>();
            for (SpecNode.Item item : root.list("metrics")) {
                nodes.add(root.item(item));
            }
            for (Includes.Library library : libraries) {
                for (SpecNode.Item item : library.node().list("metrics")) {
                    nodes.add(library.node().item(item));
                }
            }
            if (nodes.isEmpty()) {
                throw root.errorAt("metrics", "a rollout is judged by at least one metric");
            }
            return nodes;
        }

        /** With every metric ignored when it has no value, an evaluation of no data at all would pass. */
        void someMetricCountsWhenMissing(SpecNode root, List<MetricSpec> metrics) {
            boolean allIgnored = metrics.stream().filter(m -> !m.advisory())
                    .allMatch(m -> m.onMissing() == MetricSpec.OnMissing.IGNORE);
            if (allIgnored) {
                throw root.errorAt("metrics", "every metric has onMissing: ignore, so an evaluation without data would"
                        + " decide on nothing; give one onMissing: hold or rollback");
            }
        }

        /**
         * The spec's {@code data}, with the keys it leaves unset taken from the files it includes (the
         * first in include order that sets one). Each file's {@code data} is checked on its own first,
         * so an error names the file the key is written in.
         */
        Optional<SpecNode> dataWithLibraries(SpecNode root, ModelSpec model) {
            Optional<SpecNode> own = root.map("data");
            if (libraries.isEmpty()) {
                return own;
            }
            LinkedHashMap<String, YamlNode.Entry> merged = new LinkedHashMap<>();
            own.ifPresent(d -> merged.putAll(d.entries()));
            for (Includes.Library library : libraries) {
                Optional<SpecNode> shared = library.node().map("data");
                if (shared.isPresent()) {
                    data(shared, model);
                    shared.get().entries().forEach(merged::putIfAbsent);
                }
            }
            if (merged.isEmpty() && own.isEmpty()) {
                return Optional.empty();
            }
            return Optional.of(new SpecNode(file, "data", new YamlNode.MapNode(own.map(SpecNode::line).orElse(0), 0, merged)));
        }

        /** The keys that judge a stage over several evaluations, and its deadline. */
        StageSpec tolerance(SpecNode s, StageSpec stage, Optional<SplitCheck> split) {
            int promoteAfter = s.integer("promoteAfter", 1, 1000).orElse(1L).intValue();
            int rollbackAfter = s.integer("rollbackAfter", 1, 1000).orElse(1L).intValue();
            Optional<Duration> deadline = s.duration("deadline");
            if (deadline.isPresent() && deadline.get().compareTo(stage.bake()) <= 0) {
                throw s.errorAt("deadline", "the deadline (" + DurationText.format(deadline.get()) + ") must be longer than"
                        + " the bake time (" + DurationText.format(stage.bake()) + "), or the stage could never be left");
            }
            return new StageSpec(stage.name(), stage.traffic(), stage.minSamples(), stage.bake(), stage.segment(),
                    stage.approval(), promoteAfter, rollbackAfter, deadline, split);
        }

        /** {@code immediate} skips rollbackAfter for a failed critical gate; on another gate it would mean nothing. */
        boolean immediate(SpecNode g, boolean critical) {
            boolean immediate = g.bool("immediate", false);
            if (immediate && !critical) {
                throw g.errorAt("immediate", "immediate applies to a critical gate; add critical: true");
            }
            return immediate;
        }

        /**
         * @param undecided names of drift metrics whose column is not said to be numeric or labels; filled here
         */
        MetricSpec metric(SpecNode m, DataSpec data, Map<String, SourceSpec> defined, Set<String> undecided) {
            String name = m.name("name", METRIC_NAME, "letters, digits, '_', '.' and '-'");
            Optional<SourceSpec> from = metricSource(m, defined);
            boolean hasColumn = m.has("column") || m.has("aggregate");
            int sources = (hasColumn ? 1 : 0) + (m.has("classification") ? 1 : 0) + (m.has("regression") ? 1 : 0)
                    + (m.has("drift") ? 1 : 0) + (m.has("agreement") ? 1 : 0);
            if (sources > 1) {
                throw m.errorAt(m.has("classification") ? "classification" : m.has("regression") ? "regression"
                                : m.has("drift") ? "drift" : "agreement",
                        "a metric takes its value from one of column/aggregate, classification, regression, drift or agreement, not several");
            }
            MetricSource source;
            Direction defaultDirection = Direction.HIGHER;
            if (m.has("prometheus")) {
                source = promQuery(m, from);
            } else if (m.has("drift") || m.has("agreement")) {
                source = outputs(m, data, name, undecided);
                defaultDirection = source.kind() == MetricSource.Kind.DRIFT ? Direction.LOWER : Direction.HIGHER;
            } else if (m.has("classification")) {
                source = classification(m.map("classification").orElseThrow());
                defaultDirection = calibrationDirection(source);
            } else if (m.has("regression")) {
                source = regression(m.map("regression").orElseThrow());
                defaultDirection = Direction.LOWER;
            } else {
                String column = m.string("column", name);
                Aggregate aggregate = m.string("aggregate").map(a -> aggregate(m, a)).orElse(Aggregate.MEAN);
                source = new MetricSource.ColumnAggregate(column, aggregate);
            }
            if (data.format() == DataSpec.Format.LONG && rowPair(source)) {
                throw m.errorAt(m.has("classification") ? "classification" : "regression",
                        "classification and regression metrics need the wide format (one column per field)");
            }
            double weight = m.number("weight", 0, Double.MAX_VALUE).orElse(1.0);
            Direction direction = m.choice("direction", Direction.class).orElse(defaultDirection);
            Optional<Normalize> normalize = normalize(m);
            Optional<GateSpec> gate = m.map("gate").map(this::gate);
            boolean advisory = m.bool("advisory", false);
            refuseBaselineValue(m, source, normalize, gate);
            Optional<CompareSpec> compare = m.map("compare").map(this::compare);
            if (compare.isPresent() && source.kind() != MetricSource.Kind.COLUMN_AGGREGATE) {
                throw m.errorAt("compare", "compare needs a metric with a value column (column/aggregate); "
                        + "classification and regression metrics have no per-row values to compare");
            }
            MetricSpec.OnMissing onMissing = m.choice("onMissing", MetricSpec.OnMissing.class).orElse(MetricSpec.OnMissing.HOLD);
            from.ifPresent(f -> servedBy(m, f, source));
            m.finish();
            return new MetricSpec(name, source, weight, direction, normalize, gate, advisory, compare, onMissing,
                    new MetricSpec.Origin(m.file(), m.line()), from.map(SourceSpec::name));
        }

        /** {@code sources:}: each entry names one kind, {@code sql}, {@code prometheus} or {@code command}. */
        Map<String, SourceSpec> sources(SpecNode block) {
            Map<String, SourceSpec> sources = new LinkedHashMap<>();
            for (String name : block.keys()) {
                if (!SOURCE_NAME.matcher(name).matches()) {
                    throw block.errorAt(name, "'" + name + "' is not a valid source name: " + SOURCE_NAME_RULE);
                }
                SpecNode s = block.map(name).orElseThrow();
                List<SourceSpec.Kind> kinds = java.util.Arrays.stream(SourceSpec.Kind.values()).filter(k -> s.has(k.word())).toList();
                if (kinds.size() != 1) {
                    throw block.errorAt(name, "a source is one of sql, prometheus or command"
                            + (kinds.isEmpty() ? "" : ", not several"));
                }
                SpecNode body = s.map(kinds.get(0).word()).orElseThrow();
                SourceSpec source = switch (kinds.get(0)) {
                    case SQL -> sql(name, body);
                    case PROMETHEUS -> prometheus(name, body);
                    case COMMAND -> command(name, body);
                };
                body.finish();
                s.finish();
                sources.put(name, source);
            }
            return sources;
        }

        SourceSpec sql(String name, SpecNode s) {
            String url = s.requiredString("url");
            if (!url.startsWith("jdbc:")) {
                throw s.errorAt("url", "a JDBC URL starts with 'jdbc:' (jdbc:postgresql://host/db, jdbc:duckdb:)");
            }
            noSecretIn(s, "url", url);
            Optional<String> query = s.string("query");
            Optional<String> table = s.string("table");
            if (query.isPresent() == table.isPresent()) {
                throw s.errorAt(query.isPresent() ? "table" : "query", "a sql source reads one of query or table");
            }
            return new SourceSpec.Sql(name, url, query, table, timeout(s));
        }

        SourceSpec prometheus(String name, SpecNode s) {
            String url = s.requiredString("url");
            if (!url.startsWith("http://") && !url.startsWith("https://")) {
                throw s.errorAt("url", "a Prometheus URL starts with http:// or https://");
            }
            noSecretIn(s, "url", url);
            String label = s.requiredString("variantLabel");
            return new SourceSpec.Prometheus(name, url, label, timeout(s));
        }

        SourceSpec command(String name, SpecNode c) {
            YamlNode run = c.required("run");
            List<String> argv = run.match(
                    map -> {
                        throw c.error(run, c.child("run"), "must be a list of words ([sh, export.sh]) or a shell string");
                    },
                    list -> {
                        List<String> words = new ArrayList<>();
                        for (SpecNode.Item item : c.list("run")) {
                            words.add(item.value().value().map(YamlNode.Scalar::text).orElseThrow(() ->
                                    c.error(item.value(), item.path(), "must be a plain word")));
                        }
                        return words;
                    },
                    scalar -> List.of("sh", "-c", scalar.text()));
            if (argv.isEmpty() || argv.get(0).isEmpty()) {
                throw c.errorAt("run", "names no program to run");
            }
            return new SourceSpec.Command(name, argv, timeout(c));
        }

        Duration timeout(SpecNode s) {
            Duration timeout = s.duration("timeout").orElse(SourceSpec.DEFAULT_TIMEOUT);
            if (timeout.isZero() || timeout.isNegative()) {
                throw s.errorAt("timeout", "must be longer than zero, such as 30s or 10m");
            }
            return timeout;
        }

        /** A password in a URL would sit in Git and in every output that shows the URL. */
        void noSecretIn(SpecNode s, String key, String url) {
            if (URL_PASSWORD.matcher(url).find()) {
                throw s.errorAt(key, "the URL carries a password; give it in the environment instead"
                        + " (ROLLOUT_SOURCE_<NAME>_PASSWORD, or the driver's own: ~/.pgpass, PGPASSWORD)");
            }
        }

        /** The source a metric names with {@code source:}, which the spec must define. */
        Optional<SourceSpec> metricSource(SpecNode m, Map<String, SourceSpec> sources) {
            Optional<String> name = m.string("source");
            if (name.isEmpty()) {
                return Optional.empty();
            }
            SourceSpec s = sources.get(name.get());
            if (s == null) {
                throw unknownSource(m, name.get(), sources);
            }
            return Optional.of(s);
        }

        /** A {@code source:} of {@code at} that names no entry of {@code sources:}. */
        static RolloutException unknownSource(SpecNode at, String name, Map<String, SourceSpec> sources) {
            return at.errorAt("source", "no source '" + name + "' in sources:"
                    + (sources.isEmpty() ? " (the spec defines none)" : " (defined: " + String.join(", ", sources.keySet()) + ")"));
        }

        /** Whether the kind of source can give this kind of metric its value. */
        void servedBy(SpecNode m, SourceSpec from, MetricSource metric) {
            boolean query = metric.kind() == MetricSource.Kind.PROMETHEUS;
            switch (from.kind()) {
                case SQL, COMMAND -> {
                    // Row sources: every metric computed from rows; a PromQL query is refused by promQuery.
                }
                case PROMETHEUS -> {
                    if (!query) {
                        throw m.errorAt("source", "source '" + from.name()
                                + "' is a Prometheus server: a metric read from it is a query (prometheus: '…')");
                    }
                }
            }
        }

        /** A classification or regression metric, which needs two cells of one row. */
        static boolean rowPair(MetricSource s) {
            return switch (s.kind()) {
                case CLASSIFICATION, REGRESSION -> true;
                // Drift and agreement check the format themselves, with their own words.
                case COLUMN_AGGREGATE, PROMETHEUS, DRIFT, AGREEMENT -> false;
            };
        }

        /**
         * {@code prometheus: '<PromQL>'}: read from a Prometheus source, already aggregated by
         * Prometheus, so nothing that works on rows (column, aggregate, compare) goes with it.
         */
        MetricSource promQuery(SpecNode m, Optional<SourceSpec> from) {
            for (String rowKey : List.of("column", "aggregate", "classification", "regression", "drift", "agreement")) {
                if (m.has(rowKey)) {
                    throw m.errorAt(rowKey, "a prometheus: metric takes its value from the query, which Prometheus has"
                            + " already aggregated; remove '" + rowKey + "'");
                }
            }
            if (m.has("compare")) {
                throw m.errorAt("compare", "compare needs each variant's rows, and a prometheus: metric has none"
                        + " (its query returns one aggregated value per variant); gate it instead");
            }
            String query = m.requiredString("prometheus");
            if (query.isBlank()) {
                throw m.errorAt("prometheus", "is an empty query");
            }
            if (from.isEmpty() || from.get().kind() != SourceSpec.Kind.PROMETHEUS) {
                throw m.errorAt(from.isEmpty() ? "prometheus" : "source", "a prometheus: metric reads a Prometheus server:"
                        + " name a source of kind prometheus with source:" + from.map(f -> " ('" + f.name()
                        + "' is a " + f.kind().word() + " source)").orElse(""));
            }
            return new MetricSource.Prometheus(query);
        }

        /** {@code drift:} or {@code agreement:}: a comparison of the two variants' outputs, row by row or as distributions. */
        MetricSource outputs(SpecNode m, DataSpec data, String name, Set<String> undecided) {
            String key = m.has("drift") ? "drift" : "agreement";
            if (data.variant().isEmpty()) {
                throw m.errorAt(key, key + " compares the candidate's outputs with the baseline's, so it needs data.variant");
            }
            if (data.format() == DataSpec.Format.LONG) {
                throw m.errorAt(key, key + " needs the wide format (one column per field)");
            }
            SpecNode d = m.map(key).orElseThrow();
            if (key.equals("agreement")) {
                String requestKey = d.requiredString("key");
                if (d.has("predicted") == d.has("score")) {
                    throw d.errorAt(d.has("score") ? "score" : "predicted",
                            "agreement compares one column: 'predicted' (labels must be equal) or 'score' (within 'tolerance')");
                }
                boolean scores = d.has("score");
                String compared = scores ? d.requiredString("score") : d.requiredString("predicted");
                if (!scores && d.has("tolerance")) {
                    d.raw("tolerance");
                    throw d.errorAt("tolerance", "'tolerance' applies to 'score'; predicted labels agree only when equal");
                }
                double tolerance = d.number("tolerance", 0, Double.MAX_VALUE).orElse(0);
                d.finish();
                return new MetricSource.Agreement(requestKey, compared, scores, tolerance);
            }
            String column = d.requiredString("column");
            MetricSource.DriftTest test = d.choice("test", MetricSource.DriftTest.class).orElse(MetricSource.DriftTest.PSI);
            boolean labels = d.bool("labels", false);
            if (labels && test == MetricSource.DriftTest.KS) {
                throw d.errorAt("test", "ks compares numbers; a label column drifts by psi or js");
            }
            if (labels && d.has("bins")) {
                d.raw("bins");
                throw d.errorAt("bins", "a label column has one bin per label; 'bins' applies to numbers");
            }
            if (test == MetricSource.DriftTest.KS && d.has("bins")) {
                d.raw("bins");
                throw d.errorAt("bins", "ks compares every value; 'bins' applies to psi and js");
            }
            int bins = d.integer("bins", 1, 1000).orElse(10L).intValue();
            if (!d.has("labels") && !d.has("bins") && test != MetricSource.DriftTest.KS) {
                undecided.add(name);
            }
            d.finish();
            return new MetricSource.Drift(column, test, bins, labels);
        }

        /**
         * A drift metric that says neither {@code bins:} nor {@code labels:} reads its column as labels
         * when another metric of the spec does (a classification's actual or predicted, an agreement's
         * predicted): {@code y_pred} is a label column there, so it is one here.
         */
        static List<MetricSpec> labelDrift(List<MetricSpec> metrics, Set<String> undecided) {
            Set<String> labelColumns = new java.util.HashSet<>();
            for (MetricSpec m : metrics) {
                labelColumns.addAll(m.source().match(a -> List.<String>of(),
                        c -> c.metric().fromScore() ? List.of(c.actual()) : List.of(c.actual(), c.predicted()),
                        r -> List.of(), p -> List.of(), d -> List.of(), g -> g.scores() ? List.of() : List.of(g.compared())));
            }
            return metrics.stream().map(m -> m.source().match(a -> m, c -> m, r -> m, p -> m,
                    d -> undecided.contains(m.name()) && labelColumns.contains(d.column())
                            ? new MetricSpec(m.name(), new MetricSource.Drift(d.column(), d.test(), d.bins(), true), m.weight(),
                            m.direction(), m.normalize(), m.gate(), m.advisory(), m.compare(), m.onMissing(), m.origin(),
                            m.sourceName())
                            : m,
                    g -> m)).toList();
        }

        /** Drift and agreement have one value, the candidate's against the baseline: nothing to regress from. */
        static void refuseBaselineValue(SpecNode m, MetricSource source, Optional<Normalize> normalize, Optional<GateSpec> gate) {
            boolean oneValue = source.kind() == MetricSource.Kind.DRIFT || source.kind() == MetricSource.Kind.AGREEMENT;
            if (!oneValue) {
                return;
            }
            if (gate.filter(g -> g.maxRegression().isPresent() || g.maxRegressionPct().isPresent()).isPresent()) {
                throw m.errorAt("gate", "drift and agreement already compare the candidate with the baseline; gate them by min or max, not maxRegression");
            }
            if (normalize.filter(n -> n.match(r -> false, b -> true)).isPresent()) {
                throw m.errorAt("normalize", "drift and agreement have no baseline value to normalize by; use {best: B, worst: W}");
            }
        }

        Aggregate aggregate(SpecNode m, String text) {
            Matcher p = PERCENTILE.matcher(text);
            if (p.matches()) {
                double q = Double.parseDouble(p.group(1));
                if (q > 100) {
                    throw m.errorAt("aggregate", "percentile " + text + " is outside 0..100");
                }
                return new Aggregate(Aggregate.Kind.PERCENTILE, q);
            }
            for (Aggregate.Kind k : Aggregate.Kind.values()) {
                if (k != Aggregate.Kind.PERCENTILE && k.name().equalsIgnoreCase(text)) {
                    return new Aggregate(k, k == Aggregate.Kind.MEDIAN ? 50 : Double.NaN);
                }
            }
            throw m.errorAt("aggregate", "'" + text + "' is not an aggregate: use mean, sum, min, max, count, median, "
                    + "pNN (p95, p99.9), stddev, last or rate");
        }

        MetricSource classification(SpecNode c) {
            ClassificationMetric metric = c.choice("metric", ClassificationMetric.class)
                    .orElseThrow(() -> c.errorAt("metric", "missing required key 'metric' (accuracy, precision, recall, f1, auc, brier, log_loss or ece)"));
            String actual = c.requiredString("actual");
            String predicted = "";
            String score = "";
            if (metric.fromScore()) {
                score = c.requiredString("score");
                if (c.has("predicted")) {
                    c.raw("predicted");
                    throw c.errorAt("predicted", metric.name().toLowerCase(java.util.Locale.ROOT)
                            + " is computed from the score column, not from predictions; remove 'predicted'");
                }
            } else {
                predicted = c.requiredString("predicted");
                if (c.has("score")) {
                    c.raw("score");
                    throw c.errorAt("score", "'score' is only used by metric: auc, brier, log_loss and ece");
                }
            }
            Average average = c.choice("average", Average.class).orElse(Average.BINARY);
            if (c.has("average") && (metric == ClassificationMetric.ACCURACY || metric.fromScore())) {
                throw c.errorAt("average", "'average' applies to precision, recall and f1 only");
            }
            Optional<String> positive = c.string("positive");
            c.finish();
            return new MetricSource.Classification(actual, predicted, score, metric, average, positive);
        }

        /** brier, log_loss and ece are losses: lower is better unless the spec says otherwise. */
        static Direction calibrationDirection(MetricSource source) {
            return source.match(a -> Direction.HIGHER,
                    c -> c.metric().calibration() ? Direction.LOWER : Direction.HIGHER, r -> Direction.LOWER,
                    p -> Direction.HIGHER, d -> Direction.LOWER, g -> Direction.HIGHER);
        }

        MetricSource regression(SpecNode r) {
            RegressionMetric metric = r.choice("metric", RegressionMetric.class)
                    .orElseThrow(() -> r.errorAt("metric", "missing required key 'metric' (mae, rmse or mape)"));
            String actual = r.requiredString("actual");
            String predicted = r.requiredString("predicted");
            r.finish();
            return new MetricSource.Regression(actual, predicted, metric);
        }

        Optional<Normalize> normalize(SpecNode m) {
            Optional<YamlNode> raw = m.raw("normalize");
            if (raw.isEmpty()) {
                return Optional.empty();
            }
            if (raw.get().scalar().filter(s -> s.text().equals("baseline")).isPresent()) {
                return Optional.of(new Normalize.Baseline());
            }
            if (raw.get().mapping().isEmpty()) {
                throw m.error(raw.get(), m.child("normalize"), "must be 'baseline' or {best: B, worst: W}");
            }
            SpecNode n = SpecNode.of(m.file(), m.child("normalize"), raw.get());
            double best = n.number("best").orElseThrow(() -> n.errorAt("best", "missing required key 'best'"));
            double worst = n.number("worst").orElseThrow(() -> n.errorAt("worst", "missing required key 'worst'"));
            if (best == worst) {
                throw n.errorAt("worst", "best and worst must differ");
            }
            n.finish();
            return Optional.of(new Normalize.Range(best, worst));
        }

        CompareSpec compare(SpecNode c) {
            CompareSpec.Test test = CompareSpec.Test.SEQUENTIAL;
            Optional<String> name = c.string("test");
            if (name.isPresent()) {
                test = java.util.Arrays.stream(CompareSpec.Test.values()).filter(t -> t.word().equals(name.get())).findFirst()
                        .orElseThrow(() -> c.errorAt("test", "'" + name.get() + "' is not one of sequential, mann-whitney, welch"));
            }
            if (!c.has("margin")) {
                c.raw("margin");
                throw c.errorAt("margin", "missing required key 'margin': the degradation tolerated, absolute (2) or percent of the baseline (5%)");
            }
            YamlNode raw = c.raw("margin").orElseThrow();
            double margin;
            boolean percent = false;
            Optional<String> percentage = raw.scalar(YamlNode.ScalarType.STRING).map(YamlNode.Scalar::text).filter(t -> t.endsWith("%"));
            if (percentage.isPresent()) {
                String text = percentage.get();
                try {
                    margin = Double.parseDouble(text.substring(0, text.length() - 1).trim());
                } catch (NumberFormatException e) {
                    throw c.error(raw, c.child("margin"), "'" + text + "' is not a percentage like 5%");
                }
                percent = true;
            } else {
                margin = c.number("margin").orElseThrow();
            }
            if (!(margin >= 0) || Double.isInfinite(margin)) {
                throw c.error(raw, c.child("margin"), "must be >= 0");
            }
            double confidence = c.number("confidence", 0.5, 0.9999).orElse(0.95);
            OptionalDouble tau = c.number("tau");
            if (tau.isPresent() && !(tau.getAsDouble() > 0)) {
                throw c.errorAt("tau", "must be > 0");
            }
            if (tau.isPresent() && test != CompareSpec.Test.SEQUENTIAL) {
                throw c.errorAt("tau", "tau applies to test: sequential only");
            }
            if (tau.isEmpty() && test == CompareSpec.Test.SEQUENTIAL && margin == 0) {
                throw c.errorAt("margin", "the sequential test takes its tau from the margin; with margin 0 give tau (the smallest effect you care about)");
            }
            c.finish();
            return new CompareSpec(test, margin, percent, confidence, tau);
        }

        GateSpec gate(SpecNode g) {
            OptionalDouble min = g.number("min");
            OptionalDouble max = g.number("max");
            if (min.isPresent() && max.isPresent() && min.getAsDouble() > max.getAsDouble()) {
                throw g.errorAt("max", "max (" + SpecNode.plain(max.getAsDouble()) + ") is below min ("
                        + SpecNode.plain(min.getAsDouble()) + ")");
            }
            OptionalDouble maxRegression = g.number("maxRegression", 0, Double.MAX_VALUE);
            OptionalDouble maxRegressionPct = g.number("maxRegressionPct", 0, Double.MAX_VALUE);
            boolean critical = g.bool("critical", false);
            boolean immediate = immediate(g, critical);
            g.finish();
            return new GateSpec(min, max, maxRegression, maxRegressionPct, critical, immediate);
        }

        HooksSpec hooks(SpecNode h) {
            Optional<HooksSpec.Command> apply = command(h, "apply");
            Optional<HooksSpec.Command> notify = command(h, "notify");
            Duration timeout = h.duration("timeout").orElse(HooksSpec.NONE.timeout());
            if (timeout.isZero()) {
                throw h.errorAt("timeout", "must be longer than 0s");
            }
            h.finish();
            return new HooksSpec(apply, notify, timeout);
        }

        /** A hook is an argv list (run as it is) or one string (run by sh -c); never empty. */
        Optional<HooksSpec.Command> command(SpecNode h, String key) {
            if (!h.has(key)) {
                return Optional.empty();
            }
            YamlNode raw = h.raw(key).orElseThrow();
            Optional<String> shell = raw.scalar(YamlNode.ScalarType.STRING).map(YamlNode.Scalar::text).filter(t -> !t.isBlank());
            if (shell.isPresent()) {
                return Optional.of(new HooksSpec.Command(List.of(shell.get()), true));
            }
            Optional<YamlNode.ListNode> arguments = raw.list().filter(l -> !l.items().isEmpty());
            if (arguments.isPresent()) {
                List<String> argv = new ArrayList<>();
                for (YamlNode item : arguments.get().items()) {
                    argv.add(item.value().map(YamlNode.Scalar::text).filter(t -> !t.isEmpty())
                            .orElseThrow(() -> h.error(item, h.child(key), "every argument must be a plain, non-empty value")));
                }
                return Optional.of(new HooksSpec.Command(argv, false));
            }
            throw h.error(raw, h.child(key), "must be a list of arguments ([\"./set-traffic.sh\", \"--apply\"]) or one shell command string");
        }

        ScoringSpec scoring(Optional<SpecNode> maybe) {
            if (maybe.isEmpty()) {
                return new ScoringSpec(ScoreFormula.WEIGHTS, 0.80, 0.60);
            }
            SpecNode s = maybe.get();
            ScoreFormula formula = s.choice("normalizeBy", ScoreFormula.class).orElse(ScoreFormula.WEIGHTS);
            double promote = s.number("promote", 0, 1).orElse(0.80);
            double rollback = s.number("rollback", 0, 1).orElse(0.60);
            if (rollback > promote) {
                throw s.errorAt("rollback", "rollback (" + SpecNode.plain(rollback) + ") must not exceed promote ("
                        + SpecNode.plain(promote) + ")");
            }
            s.finish();
            return new ScoringSpec(formula, promote, rollback);
        }
    }
}
