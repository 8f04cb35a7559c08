package org.osteonode.export;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import org.osteonode.config.DeidOptions;
import org.osteonode.deid.DeidentificationMethod;
import org.osteonode.labels.ProxyLabels;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Instant;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.function.Function;

/**
 * {@code dataset.json}: what a training set is, for whoever trains on it — filters, versions, the
 * de-identification it went through, counts per split and per label value, the checksum of labels.csv, and the
 * re-identification risk over its quasi-identifiers.
 */
public final class Datasheet {
    private Datasheet() {
    }

    /** The datasheet as JSON text. */
    public static String json(Map<String, Object> filters, String version, DeidOptions deid,
            List<TrainingSetExport.Image> images, String labelsSha256, ReidentificationRisk risk, int suppressed,
            Instant created) throws IOException {
        Map<String, Object> sheet = new LinkedHashMap<>();
        sheet.put("name", "osteonode training set");
        sheet.put("osteonode_version", version);
        sheet.put("created", created.toString());
        sheet.put("filters", filters);
        Map<String, Object> deidentification = new LinkedHashMap<>();
        deidentification.put("profile", "DICOM PS3.15 Annex E Basic Application Level Confidentiality Profile "
                + "(113100), every row of Table E.1-1");
        deidentification.put("options", DeidentificationMethod.applied(deid).stream()
                .map(method -> method.code() + " " + method.meaning()).toList());
        deidentification.put("max_date_shift_days", deid.maxDateShiftDays());
        sheet.put("deidentification", deidentification);
        sheet.put("counts", counts(images));
        sheet.put("labels_csv_sha256", labelsSha256);
        Map<String, Object> riskSheet = new LinkedHashMap<>();
        riskSheet.put("quasi_identifiers", ReidentificationRisk.QUASI_IDENTIFIERS);
        riskSheet.put("k", risk.k());
        riskSheet.put("min_k", risk.minK());
        riskSheet.put("rows_below_min_k", risk.rowsBelowMinK());
        riskSheet.put("groups_below_min_k", risk.groupsBelowMinK());
        riskSheet.put("rows_suppressed", suppressed);
        sheet.put("reidentification_risk", riskSheet);
        return new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT).writeValueAsString(sheet) + "\n";
    }

    /** Images and patients in all and per split, and images per value of each label. */
    public static Map<String, Object> counts(List<TrainingSetExport.Image> images) {
        Map<String, Object> counts = new LinkedHashMap<>();
        counts.put("images", images.size());
        counts.put("patients", images.stream().map(i -> i.labels().patientKey()).distinct().count());
        Map<String, Map<String, Object>> perSplit = new TreeMap<>();
        Map<String, Set<String>> patients = new TreeMap<>();
        for (TrainingSetExport.Image image : images) {
            perSplit.computeIfAbsent(image.split(), s -> new LinkedHashMap<>()).merge("images", 1, (a, b) -> (int) a + (int) b);
            patients.computeIfAbsent(image.split(), s -> new HashSet<>()).add(image.labels().patientKey());
        }
        patients.forEach((split, keys) -> perSplit.get(split).put("patients", keys.size()));
        counts.put("per_split", perSplit);
        Map<String, Object> perLabel = new LinkedHashMap<>();
        perLabel.put("body_part", histogram(images, l -> l.bodyPart().name()));
        perLabel.put("sex", histogram(images, ProxyLabels::sex));
        perLabel.put("age_band", histogram(images, ProxyLabels::ageBand));
        perLabel.put("modality", histogram(images, ProxyLabels::modality));
        perLabel.put("view_position", histogram(images, ProxyLabels::viewPosition));
        perLabel.put("laterality", histogram(images, ProxyLabels::laterality));
        counts.put("per_label", perLabel);
        // the outcome: the WHO label of the nearest DXA, per split, with how many images have none
        Map<String, Map<String, Integer>> outcomes = new TreeMap<>();
        for (TrainingSetExport.Image image : images) {
            String label = image.outcome() == null ? "(no DXA in the window)" : image.outcome().whoLabel();
            outcomes.computeIfAbsent(image.split(), s -> new TreeMap<>()).merge(label, 1, Integer::sum);
        }
        counts.put("who_label_per_split", outcomes);
        return counts;
    }

    private static Map<String, Integer> histogram(List<TrainingSetExport.Image> images,
            Function<ProxyLabels, String> label) {
        Map<String, Integer> histogram = new TreeMap<>();
        for (TrainingSetExport.Image image : images) {
            String value = label.apply(image.labels());
            histogram.merge(value == null || value.isBlank() ? "(none)" : value, 1, Integer::sum);
        }
        return histogram;
    }

    public static Path file(Path out) {
        return out.resolve("dataset.json");
    }
}
