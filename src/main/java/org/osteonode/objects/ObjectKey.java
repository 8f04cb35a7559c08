package org.osteonode.objects;

import java.util.regex.Pattern;

/**
 * The rules every object key obeys, in every store. A key is a relative path of pseudonymous segments, such as
 * {@code archive/3f2a.../9c1e.../0b7d....dcm}.
 *
 * <ul>
 *   <li>Segments of {@code A-Z a-z 0-9 . _ -}, none empty, none starting with {@code .}: so no {@code ..}, no
 *       {@code .}, no leading or doubled {@code /}. {@link FileObjectStore} turns a key into a path under its
 *       directory, and such a key can never leave it; and the names starting with {@code .} are free for the
 *       store's own files (a checksum record, a file being written).</li>
 *   <li>Those characters are S3's "safe" ones: a key needs no URL encoding, and means the same to every
 *       S3-compatible server and every file system.</li>
 *   <li>Keys must be pseudonymous (no PHI in a key: keys appear in logs, bucket listings, access logs). A rule
 *       cannot prove that, but it can refuse what a name looks like: {@code ^}, spaces, {@code =}, {@code ,},
 *       {@code '} and letters outside ASCII, as in a DICOM Person Name, are all refused. A patient ID of digits
 *       would still pass: the keys' makers (pseudonyms, arrival sequence numbers) are the guarantee.</li>
 *   <li>At most {@value #MAX_LENGTH} characters, {@value #MAX_SEGMENT} per segment, {@value #MAX_DEPTH}
 *       segments: within S3's 1,024 bytes and a file system's 255 per name, with room for the store's suffixes.</li>
 * </ul>
 */
public final class ObjectKey {
    public static final int MAX_LENGTH = 400;
    public static final int MAX_SEGMENT = 128;
    public static final int MAX_DEPTH = 16;

    private static final Pattern SEGMENT = Pattern.compile("[A-Za-z0-9_-][A-Za-z0-9._-]*");
    /** A prefix's last segment may be cut anywhere, even before its first character. */
    private static final Pattern PARTIAL_SEGMENT = Pattern.compile("([A-Za-z0-9_-][A-Za-z0-9._-]*)?");

    private ObjectKey() {
    }

    /**
     * Returns {@code key} when it obeys the rules.
     *
     * @throws IllegalArgumentException saying which rule it breaks (the key itself is not repeated: a bad key may
     *                                  be exactly what must not reach a log)
     */
    public static String check(String key) {
        if (key == null || key.isEmpty()) {
            throw new IllegalArgumentException("an object key is empty");
        }
        String[] segments = segments(key);
        for (String segment : segments) {
            checkSegment(segment, SEGMENT);
        }
        return key;
    }

    /** Returns {@code prefix} when it is empty or the start of a key that could obey the rules. */
    public static String checkPrefix(String prefix) {
        if (prefix == null) {
            throw new IllegalArgumentException("an object key prefix is null; use \"\" for all keys");
        }
        if (prefix.isEmpty()) {
            return prefix;
        }
        String[] segments = segments(prefix);
        for (int i = 0; i < segments.length - 1; i++) {
            checkSegment(segments[i], SEGMENT);
        }
        checkSegment(segments[segments.length - 1], PARTIAL_SEGMENT);
        return prefix;
    }

    private static String[] segments(String key) {
        if (key.length() > MAX_LENGTH) {
            throw new IllegalArgumentException("an object key is " + key.length() + " characters, above "
                    + MAX_LENGTH);
        }
        if (key.startsWith("/")) {
            throw new IllegalArgumentException("an object key starts with '/': keys are relative");
        }
        String[] segments = key.split("/", -1);
        if (segments.length > MAX_DEPTH) {
            throw new IllegalArgumentException("an object key has " + segments.length + " segments, above "
                    + MAX_DEPTH);
        }
        return segments;
    }

    private static void checkSegment(String segment, Pattern allowed) {
        if (segment.length() > MAX_SEGMENT) {
            throw new IllegalArgumentException("an object key has a segment of " + segment.length()
                    + " characters, above " + MAX_SEGMENT);
        }
        if (!allowed.matcher(segment).matches()) {
            throw new IllegalArgumentException(segment.isEmpty()
                    ? "an object key has an empty segment ('//' or a trailing '/')"
                    : segment.startsWith(".")
                    ? "an object key has a segment starting with '.' ('..' and hidden names are refused)"
                    : "an object key has a character outside A-Z a-z 0-9 . _ - (keys are pseudonymous paths)");
        }
    }
}
