package org.osteonode.labels;

/**
 * One item of a code sequence such as the Anatomic Region Sequence (0008,2218): Code Value (0008,0100),
 * Coding Scheme Designator (0008,0102) and Code Meaning (0008,0104). Absent values are empty strings.
 */
public record CodedConcept(String codeValue, String codingSchemeDesignator, String codeMeaning) {
    public CodedConcept {
        codeValue = codeValue == null ? "" : codeValue.trim();
        codingSchemeDesignator = codingSchemeDesignator == null ? "" : codingSchemeDesignator.trim();
        codeMeaning = codeMeaning == null ? "" : codeMeaning.trim();
    }
}
