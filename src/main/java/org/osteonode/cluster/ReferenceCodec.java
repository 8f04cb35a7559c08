package org.osteonode.cluster;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.osteonode.labels.BodyPart;

import java.io.IOException;
import java.util.Iterator;
import java.util.Set;

/**
 * {@link ObjectReference} as the JSON of a record's value: one flat object, {@code "v": 1} beside the record's
 * fields. The topic is input from other nodes and whoever else can write to it: the size is checked before a byte
 * is parsed, nesting stops at the one object, an unknown, missing, duplicate or mistyped field is refused (no
 * coercion: {@code "size": "12"} is not a size), and the record's constructor checks every value against its pattern.
 * Read field by field rather than bound by reflection, so that what is accepted is all on this page.
 */
public final class ReferenceCodec {
    /** A reference is about 500 bytes; its longest possible form (a 1 KiB object key) stays under this. */
    public static final int MAX_BYTES = 2048;
    static final int VERSION = 1;

    private static final Set<String> FIELDS = Set.of("v", "objectKey", "sha256", "size", "sopClassUid",
            "transferSyntaxUid", "patientKey", "studyKey", "seriesKey", "sopInstanceKey", "modality", "bodyPart",
            "clinicallyEligible");

    private final ObjectMapper mapper;

    public ReferenceCodec() {
        mapper = JsonMapper.builder()
                .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
                .enable(JsonParser.Feature.STRICT_DUPLICATE_DETECTION)
                .build();
        mapper.getFactory().setStreamReadConstraints(StreamReadConstraints.builder().maxNestingDepth(1)
                .maxStringLength(MAX_BYTES).maxNumberLength(20).maxNameLength(32).build());
    }

    public byte[] encode(ObjectReference reference) {
        ObjectNode node = mapper.createObjectNode()
                .put("v", VERSION)
                .put("objectKey", reference.objectKey())
                .put("sha256", reference.sha256())
                .put("size", reference.size())
                .put("sopClassUid", reference.sopClassUid())
                .put("transferSyntaxUid", reference.transferSyntaxUid())
                .put("patientKey", reference.patientKey())
                .put("studyKey", reference.studyKey())
                .put("seriesKey", reference.seriesKey())
                .put("sopInstanceKey", reference.sopInstanceKey())
                .put("modality", reference.modality())
                .put("bodyPart", reference.bodyPart().name())
                .put("clinicallyEligible", reference.clinicallyEligible());
        try {
            return mapper.writeValueAsBytes(node);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("an ObjectReference always has a JSON form", e);
        }
    }

    /** @throws InvalidReferenceException with a message that quotes nothing of the input */
    public ObjectReference decode(byte[] value) throws InvalidReferenceException {
        if (value == null) {
            throw new InvalidReferenceException("the record has no value");
        }
        if (value.length > MAX_BYTES) {
            throw new InvalidReferenceException(value.length + " bytes, more than the " + MAX_BYTES + " a reference may have");
        }
        JsonNode node;
        try {
            node = mapper.readTree(value);
        } catch (IOException e) {
            // Jackson's message quotes the input
            throw new InvalidReferenceException("not JSON, or JSON beyond the limits of a reference ("
                    + e.getClass().getSimpleName() + ")");
        }
        if (node == null || !node.isObject()) {
            throw new InvalidReferenceException("not a JSON object");
        }
        for (Iterator<String> names = node.fieldNames(); names.hasNext(); ) {
            String name = names.next();
            if (!FIELDS.contains(name)) {
                throw new InvalidReferenceException("unknown field (" + name.length() + " characters)");
            }
        }
        long version = integer(node, "v");
        if (version != VERSION) {
            throw new InvalidReferenceException("reference version " + version + "; this node reads version " + VERSION);
        }
        BodyPart bodyPart;
        try {
            bodyPart = BodyPart.valueOf(text(node, "bodyPart"));
        } catch (IllegalArgumentException e) {
            throw new InvalidReferenceException("bodyPart is not in the vocabulary of docs/body-part-vocabulary.md");
        }
        JsonNode eligible = field(node, "clinicallyEligible");
        if (!eligible.isBoolean()) {
            throw new InvalidReferenceException("clinicallyEligible is not a boolean");
        }
        try {
            return new ObjectReference(text(node, "objectKey"), text(node, "sha256"), integer(node, "size"),
                    text(node, "sopClassUid"), text(node, "transferSyntaxUid"), text(node, "patientKey"),
                    text(node, "studyKey"), text(node, "seriesKey"), text(node, "sopInstanceKey"),
                    text(node, "modality"), bodyPart, eligible.booleanValue());
        } catch (IllegalArgumentException e) {
            throw new InvalidReferenceException(e.getMessage());
        }
    }

    private static JsonNode field(JsonNode node, String name) throws InvalidReferenceException {
        JsonNode value = node.get(name);
        if (value == null) {
            throw new InvalidReferenceException(name + " is missing");
        }
        return value;
    }

    private static String text(JsonNode node, String name) throws InvalidReferenceException {
        JsonNode value = field(node, name);
        if (!value.isTextual()) {
            throw new InvalidReferenceException(name + " is not a string");
        }
        return value.textValue();
    }

    private static long integer(JsonNode node, String name) throws InvalidReferenceException {
        JsonNode value = field(node, name);
        if (!value.isIntegralNumber() || !value.canConvertToLong()) {
            throw new InvalidReferenceException(name + " is not an integer");
        }
        return value.longValue();
    }
}
