package org.osteonode.deid;

import com.pixelmed.dicom.Attribute;
import com.pixelmed.dicom.AttributeList;
import com.pixelmed.dicom.AttributeTag;
import org.osteonode.csv.CsvLine;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * The Retain Safe Private Option as osteonode maintains it: the private data elements of PS3.15 Table E.3.10-1
 * ({@code safe_private_attributes.csv}, with its provenance), matched by private creator, group and element
 * byte. Every other private data element is removed, and so is a private creator left with none of its elements.
 * An element whose VR the object does not say (UN, as Implicit VR objects carry private elements) is removed too:
 * a value read without its VR cannot be known to be what the table describes.
 */
final class SafePrivateAttributes {
    private static final String RESOURCE = "safe_private_attributes.csv";
    private static final Set<String> SAFE = load();

    private SafePrivateAttributes() {
    }

    /** Whether the table keeps the element {@code element} of {@code group} in the block of {@code creator}. */
    static boolean isSafe(String creator, int group, int element) {
        return SAFE.contains(key(creator, group, element & 0xFF));
    }

    static int size() {
        return SAFE.size();
    }

    /** Removes from {@code list} (this level only) every private element the table does not keep. */
    static void removeUnsafe(AttributeList list) {
        Set<AttributeTag> usedCreators = new HashSet<>();
        List<AttributeTag> creators = new ArrayList<>();
        for (AttributeTag tag : new ArrayList<>(list.keySet())) {
            if (!tag.isPrivate()) {
                continue;
            }
            int element = tag.getElement();
            if (element >= 0x0010 && element <= 0x00FF) {
                creators.add(tag);
                continue;
            }
            AttributeTag creatorTag = new AttributeTag(tag.getGroup(), (element >> 8) & 0xFF);
            String creator = Attribute.getSingleStringValueOrEmptyString(list, creatorTag).trim();
            Attribute attribute = list.get(tag);
            if (element > 0x00FF && !creator.isEmpty() && !attribute.getVRAsString().equals("UN")
                    && isSafe(creator, tag.getGroup(), element)) {
                usedCreators.add(creatorTag);
            } else {
                list.remove(tag);
            }
        }
        for (AttributeTag creator : creators) {
            if (!usedCreators.contains(creator)) {
                list.remove(creator);
            }
        }
    }

    private static String key(String creator, int group, int elementByte) {
        return creator.trim() + "|" + String.format(Locale.ROOT, "%04X|%02X", group, elementByte);
    }

    private static Set<String> load() {
        try (InputStream in = SafePrivateAttributes.class.getResourceAsStream(RESOURCE)) {
            if (in == null) {
                throw new IllegalStateException(RESOURCE + " is missing from the build");
            }
            Set<String> safe = new HashSet<>();
            BufferedReader reader = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8));
            boolean header = true;
            for (String line = reader.readLine(); line != null; line = reader.readLine()) {
                if (line.isBlank() || line.startsWith("#")) {
                    continue;
                }
                if (header) {
                    header = false;
                    continue;
                }
                List<String> fields = CsvLine.fields(line);
                safe.add(key(fields.get(0), Integer.parseInt(fields.get(1), 16), Integer.parseInt(fields.get(2), 16)));
            }
            return Set.copyOf(safe);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
