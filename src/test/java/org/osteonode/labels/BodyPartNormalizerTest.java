package org.osteonode.labels;

import org.assertj.core.api.SoftAssertions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

class BodyPartNormalizerTest {
    private final BodyPartNormalizer normalizer = new BodyPartNormalizer();

    /** Headers as PACS and modalities write them; an empty cell is an absent attribute. */
    @ParameterizedTest(name = "[{index}] BPE={0} protocol={1} series={2} study={3} -> {4} from {5}")
    @CsvSource(delimiter = '|', textBlock = """
        # Body Part Examined      | Protocol Name        | Series Description      | Study Description                | body part | source
        # defined terms
        LSPINE                    |                      |                         |                                  | LSPINE    | BodyPartExamined
        CHEST                     |                      |                         |                                  | CHEST     | BodyPartExamined
        KNEE                      |                      |                         |                                  | KNEE      | BodyPartExamined
        SSPINE                    |                      |                         |                                  | SACRUM    | BodyPartExamined
        LSSPINE                   |                      |                         |                                  | LSPINE    | BodyPartExamined
        # vendor variants of Body Part Examined
        L-SPINE                   |                      |                         |                                  | LSPINE    | BodyPartExamined
        L SPINE                   |                      |                         |                                  | LSPINE    | BodyPartExamined
        LS SPINE                  |                      |                         |                                  | LSPINE    | BodyPartExamined
        LUMBAR                    |                      |                         |                                  | LSPINE    | BodyPartExamined
        THORACIC                  |                      |                         |                                  | TSPINE    | BodyPartExamined
        C-SPINE                   |                      |                         |                                  | CSPINE    | BodyPartExamined
        HIP JOINT                 |                      |                         |                                  | HIP       | BodyPartExamined
        CHEST_PA                  |                      |                         |                                  | CHEST     | BodyPartExamined
        THORAX                    |                      |                         |                                  | CHEST     | BodyPartExamined
        LEG                       |                      |                         |                                  | TIBIA     | BodyPartExamined
        Knee                      |                      |                         |                                  | KNEE      | BodyPartExamined
        # Body Part Examined wins over the descriptions, even when left at the modality default
        CHEST                     |                      | KNEE LEFT               | KNEE 3 VIEWS                     | CHEST     | BodyPartExamined
        # then Protocol Name, Series Description, Study Description, in that order
        EXTREMITY                 | Hand PA + oblique    |                         |                                  | HAND      | ProtocolName
                                  | Lumbar spine AP      | LWS seitlich            |                                  | LSPINE    | ProtocolName
                                  | KNEE AP              | ANKLE LAT               | FOOT 3 VIEWS                     | KNEE      | ProtocolName
                                  |                      | ANKLE LAT               | FOOT 3 VIEWS                     | ANKLE     | SeriesDescription
                                  |                      | PELVIS AP               |                                  | PELVIS    | SeriesDescription
                                  |                      | HIP LEFT 2V             |                                  | HIP       | SeriesDescription
                                  |                      | CHEST PA AND LATERAL    |                                  | CHEST     | SeriesDescription
                                  |                      | KNEE RT 3 VIEWS WEIGHT BEARING |                           | KNEE      | SeriesDescription
                                  |                      | AP PELVIS               | HIP LEFT 2 VIEWS                 | PELVIS    | SeriesDescription
                                  |                      | Thorax p.a.             |                                  | CHEST     | SeriesDescription
        # a description naming two body parts decides nothing; the next one is asked
                                  |                      | KNEE AND ANKLE          | ANKLE LEFT                       | ANKLE     | StudyDescription
        # English study descriptions
                                  |                      |                         | XR LUMBAR SPINE 2-3 VIEWS        | LSPINE    | StudyDescription
                                  |                      |                         | DX L-SPINE AP/LAT                | LSPINE    | StudyDescription
                                  |                      |                         | XR SCOLIOSIS STANDING            | SPINE     | StudyDescription
                                  |                      |                         | XR THORACOLUMBAR SPINE           | SPINE     | StudyDescription
                                  |                      |                         | XR T-L SPINE 2 VIEWS             | SPINE     | StudyDescription
                                  |                      |                         | XR THORACO-LUMBAR JUNCTION       | SPINE     | StudyDescription
                                  |                      |                         | XR CERVICAL SPINE FLEX/EXT       | CSPINE    | StudyDescription
                                  |                      |                         | XR SACRUM AND COCCYX             | SACRUM    | StudyDescription
                                  |                      |                         | XR SI JOINTS                     | SACRUM    | StudyDescription
                                  |                      |                         | XR PELVIS AND HIPS               | PELVIS    | StudyDescription
                                  |                      |                         | XR FEMORAL NECK LEFT             | HIP       | StudyDescription
                                  |                      |                         | XR FEMUR RIGHT 2 VIEWS           | FEMUR     | StudyDescription
                                  |                      |                         | XR TIBIA FIBULA LEFT             | TIBIA     | StudyDescription
                                  |                      |                         | TIB/FIB RT                       | TIBIA     | StudyDescription
                                  |                      |                         | XR ANKLE LEFT 3+ VIEWS           | ANKLE     | StudyDescription
                                  |                      |                         | XR FOOT COMPLETE RIGHT           | FOOT      | StudyDescription
                                  |                      |                         | XR TOE GREAT LEFT                | FOOT      | StudyDescription
                                  |                      |                         | XR SHOULDER LEFT 2+ VIEWS        | SHOULDER  | StudyDescription
                                  |                      |                         | XR HUMERUS RIGHT                 | HUMERUS   | StudyDescription
                                  |                      |                         | XR ELBOW RT MIN 3 VIEWS          | ELBOW     | StudyDescription
                                  |                      |                         | XR FOREARM LEFT                  | FOREARM   | StudyDescription
                                  |                      |                         | XR WRIST 3+ VIEWS RIGHT          | WRIST     | StudyDescription
                                  |                      |                         | XR HAND BILATERAL                | HAND      | StudyDescription
                                  |                      |                         | XR FINGER(S) LEFT                | HAND      | StudyDescription
                                  |                      |                         | BONE AGE                         | HAND      | StudyDescription
                                  |                      |                         | CXR PORTABLE                     | CHEST     | StudyDescription
                                  |                      |                         | PA CHEST                         | CHEST     | StudyDescription
                                  |                      |                         | XR RIBS UNILATERAL LEFT          | RIBS      | StudyDescription
                                  |                      |                         | XR CLAVICLE LEFT                 | CLAVICLE  | StudyDescription
                                  |                      |                         | XR ABDOMEN 1 VIEW (KUB)          | ABDOMEN   | StudyDescription
                                  |                      |                         | XR SKULL 4 VIEWS                 | SKULL     | StudyDescription
                                  |                      |                         | XR SINUSES 3 VIEWS               | FACE      | StudyDescription
                                  |                      |                         | XR FACIAL BONES                  | FACE      | StudyDescription
                                  |                      |                         | XR SOFT TISSUE NECK              | NECK      | StudyDescription
                                  |                      |                         | MAMMO SCREENING BILATERAL        | BREAST    | StudyDescription
        # German, Dutch and French study descriptions
                                  |                      |                         | RÖ LWS in 2 Ebenen               | LSPINE    | StudyDescription
                                  |                      |                         | Rö BWS 2 Eb.                     | TSPINE    | StudyDescription
                                  |                      |                         | HWS in 2 Ebenen                  | CSPINE    | StudyDescription
                                  |                      |                         | Rö Thorax pa + seitl.            | CHEST     | StudyDescription
                                  |                      |                         | Hüfte links axial                | HIP       | StudyDescription
                                  |                      |                         | HUEFTE RE                        | HIP       | StudyDescription
                                  |                      |                         | Becken a.p.                      | PELVIS    | StudyDescription
                                  |                      |                         | Knie li. 2 Ebenen                | KNEE      | StudyDescription
                                  |                      |                         | OSG rechts                       | ANKLE     | StudyDescription
                                  |                      |                         | Schulter rechts true ap          | SHOULDER  | StudyDescription
                                  |                      |                         | Handgelenk links                 | WRIST     | StudyDescription
                                  |                      |                         | Heup links                       | HIP       | StudyDescription
                                  |                      |                         | Bekken                           | PELVIS    | StudyDescription
                                  |                      |                         | Radiographie du poignet gauche   | WRIST     | StudyDescription
                                  |                      |                         | Épaule droite face profil        | SHOULDER  | StudyDescription
                                  |                      |                         | Genou gauche                     | KNEE      | StudyDescription
        # identifiers in a description do not disturb the match
                                  |                      |                         | HAND SMITH^JOHN MRN 123456       | HAND      | StudyDescription
        # whole words only: CHIP is not HIP, THIPS is not HIP
                                  |                      | CHIP                    | THIPS                            | UNKNOWN   | none
        """)
    void readsTheBodyPartFromTheHeader(String bodyPartExamined, String protocolName, String seriesDescription,
                                       String studyDescription, BodyPart bodyPart, String source) {
        BodyPartDecision decision = normalizer.normalize(new BodyPartHints(
                bodyPartExamined, List.of(), protocolName, seriesDescription, studyDescription, null));

        assertThat(decision.bodyPart()).isEqualTo(bodyPart);
        assertThat(decision.source()).isEqualTo(source);
    }

    /**
     * Every code the normaliser knows, typed again from PS3.16 CID 4031 (current and 2019 editions) and,
     * for tibia, radius and ulna, CID 7304. The meaning is the code meaning there.
     */
    @ParameterizedTest(name = "[{index}] ({1}, {0}, \"{2}\") -> {3}")
    @CsvSource(delimiter = '|', textBlock = """
        SCT | 122496007  | Lumbar spine               | LSPINE
        SRT | T-11503    | Lumbar spine               | LSPINE
        SCT | 1217253001 | Lumbo-sacral spine         | LSPINE
        SCT | 297173004  | Lumbo-sacral spine         | LSPINE
        SRT | T-D00F9    | Lumbo-sacral spine         | LSPINE
        SCT | 122495006  | Thoracic spine             | TSPINE
        SRT | T-11502    | Thoracic spine             | TSPINE
        SCT | 122494005  | Cervical spine             | CSPINE
        SRT | T-11501    | Cervical spine             | CSPINE
        SCT | 421060004  | Spine                      | SPINE
        SRT | T-D04FF    | Spine                      | SPINE
        SCT | 1217256009 | Thoraco-lumbar spine       | SPINE
        SCT | 297172009  | Thoraco-lumbar spine       | SPINE
        SRT | T-D00F8    | Thoraco-lumbar spine       | SPINE
        SCT | 1217257000 | Cervico-thoracic spine     | SPINE
        SCT | 297171002  | Cervico-thoracic spine     | SPINE
        SRT | T-D00F7    | Cervico-thoracic spine     | SPINE
        SCT | 54735007   | Sacrum                     | SACRUM
        SRT | T-11AD0    | Sacrum                     | SACRUM
        SCT | 1217254007 | Sacro-coccygeal Spine      | SACRUM
        SCT | 64688005   | Coccyx                     | SACRUM
        SRT | T-11BF0    | Coccyx                     | SACRUM
        SCT | 39723000   | Sacroiliac joint           | SACRUM
        SRT | T-15680    | Sacroiliac joint           | SACRUM
        SCT | 816092008  | Pelvis                     | PELVIS
        SCT | 12921003   | Pelvis                     | PELVIS
        SRT | T-D6000    | Pelvis                     | PELVIS
        SCT | 22356005   | Ilium                      | PELVIS
        SRT | T-12340    | Ilium                      | PELVIS
        SCT | 29836001   | Hip                        | HIP
        SRT | T-D2500    | Hip                        | HIP
        SCT | 24136001   | Hip Joint                  | HIP
        SRT | T-15710    | Hip Joint                  | HIP
        SCT | 71341001   | Femur                      | FEMUR
        SRT | T-12710    | Femur                      | FEMUR
        SCT | 68367000   | Thigh                      | FEMUR
        SRT | T-D9100    | Thigh                      | FEMUR
        SCT | 72696002   | Knee                       | KNEE
        SRT | T-D9200    | Knee                       | KNEE
        SCT | 64234005   | Patella                    | KNEE
        SRT | T-12730    | Patella                    | KNEE
        SCT | 30021000   | Lower leg                  | TIBIA
        SRT | T-D9400    | Lower leg                  | TIBIA
        SCT | 12611008   | Tibia                      | TIBIA
        SRT | T-12740    | Tibia                      | TIBIA
        SCT | 87342007   | Fibula                     | TIBIA
        SRT | T-12750    | Fibula                     | TIBIA
        SCT | 70258002   | Ankle joint                | ANKLE
        SRT | T-15750    | Ankle joint                | ANKLE
        SCT | 56459004   | Foot                       | FOOT
        SRT | T-D9700    | Foot                       | FOOT
        SCT | 29707007   | Toe                        | FOOT
        SRT | T-D9800    | Toe                        | FOOT
        SCT | 80144004   | Calcaneus                  | FOOT
        SRT | T-12770    | Calcaneus                  | FOOT
        SCT | 58742003   | Sesamoid bones of foot     | FOOT
        SRT | T-12980    | Sesamoid bones of foot     | FOOT
        SCT | 27949001   | Tarsal joint               | FOOT
        SRT | T-15770    | Tarsal joint               | FOOT
        SCT | 16982005   | Shoulder                   | SHOULDER
        SRT | T-D2220    | Shoulder                   | SHOULDER
        SCT | 79601000   | Scapula                    | SHOULDER
        SRT | T-12280    | Scapula                    | SHOULDER
        SCT | 85856004   | Acromioclavicular joint    | SHOULDER
        SRT | T-15420    | Acromioclavicular joint    | SHOULDER
        SCT | 85050009   | Humerus                    | HUMERUS
        SRT | T-12410    | Humerus                    | HUMERUS
        SCT | 40983000   | Upper arm                  | HUMERUS
        SRT | T-D8200    | Upper arm                  | HUMERUS
        SCT | 16953009   | Elbow joint                | ELBOW
        SRT | T-15430    | Elbow joint                | ELBOW
        SRT | T-D8300    | Elbow                      | ELBOW
        SCT | 14975008   | Forearm                    | FOREARM
        SRT | T-D8500    | Forearm                    | FOREARM
        SCT | 62413002   | Radius                     | FOREARM
        SRT | T-12420    | Radius                     | FOREARM
        SCT | 23416004   | Ulna                       | FOREARM
        SRT | T-12430    | Ulna                       | FOREARM
        SCT | 74670003   | Wrist joint                | WRIST
        SRT | T-15460    | Wrist joint                | WRIST
        SCT | 85562004   | Hand                       | HAND
        SRT | T-D8700    | Hand                       | HAND
        SCT | 7569003    | Finger                     | HAND
        SRT | T-D8800    | Finger                     | HAND
        SCT | 76505004   | Thumb                      | HAND
        SRT | T-D8810    | Thumb                      | HAND
        SCT | 816094009  | Chest                      | CHEST
        SCT | 51185008   | Chest                      | CHEST
        SRT | T-D3000    | Chest                      | CHEST
        SCT | 818981001  | Abdomen                    | ABDOMEN
        SCT | 113345001  | Abdomen                    | ABDOMEN
        SRT | T-D4000    | Abdomen                    | ABDOMEN
        SCT | 89546000   | Skull                      | SKULL
        SRT | T-11100    | Skull                      | SKULL
        SCT | 69536005   | Head                       | SKULL
        SRT | T-D1100    | Head                       | SKULL
        SCT | 91397008   | Facial bones               | FACE
        SRT | T-11196    | Facial bones               | FACE
        SCT | 91609006   | Mandible                   | FACE
        SRT | T-11180    | Mandible                   | FACE
        SCT | 70925003   | Maxilla                    | FACE
        SRT | T-11170    | Maxilla                    | FACE
        SCT | 661005     | Jaw region                 | FACE
        SRT | T-D1213    | Jaw region                 | FACE
        SCT | 13881006   | Zygoma                     | FACE
        SRT | T-11166    | Zygoma                     | FACE
        SCT | 74386004   | Nasal bone                 | FACE
        SRT | T-11149    | Nasal bone                 | FACE
        SCT | 363654007  | Orbital structure          | FACE
        SRT | T-D14AE    | Orbital structure          | FACE
        SCT | 2095001    | Paranasal sinus            | FACE
        SRT | T-22000    | Paranasal sinus            | FACE
        SCT | 53620006   | Temporomandibular joint    | FACE
        SRT | T-15290    | Temporomandibular joint    | FACE
        SCT | 45048000   | Neck                       | NECK
        SRT | T-D1600    | Neck                       | NECK
        SCT | 51299004   | Clavicle                   | CLAVICLE
        SRT | T-12310    | Clavicle                   | CLAVICLE
        SCT | 7844006    | Sternoclavicular joint     | CLAVICLE
        SRT | T-15610    | Sternoclavicular joint     | CLAVICLE
        SCT | 113197003  | Rib                        | RIBS
        SRT | T-11300    | Rib                        | RIBS
        SCT | 76752008   | Breast                     | BREAST
        SRT | T-04000    | Breast                     | BREAST
        # regions spanning several body parts, and codes of other anatomy, decide nothing
        SCT | 416550000  | Chest and Abdomen          | UNKNOWN
        SCT | 818982008  | Abdomen and Pelvis         | UNKNOWN
        SCT | 66019005   | Extremity                  | UNKNOWN
        SCT | 61685007   | Lower limb                 | UNKNOWN
        SCT | 53120007   | Upper limb                 | UNKNOWN
        SCT | 38266002   | Entire body                | UNKNOWN
        SCT | 56873002   | Sternum                    | UNKNOWN
        # T-59000 is the large intestine, not the pelvis
        SRT | T-59000    | Large intestine            | UNKNOWN
        SCT | 14742008   | Large intestine            | UNKNOWN
        """)
    void readsEachCodedAnatomicRegion(String scheme, String code, String meaning, BodyPart bodyPart) {
        BodyPartDecision decision = normalizer.normalize(coded(new CodedConcept(code, scheme, meaning)));

        assertThat(decision.bodyPart()).isEqualTo(bodyPart);
        assertThat(decision.source()).isEqualTo(bodyPart == BodyPart.UNKNOWN
                ? BodyPartDecision.NONE : BodyPartDecision.ANATOMIC_REGION_SEQUENCE);
    }

    @Test
    void theOlderSnm3DesignatorReadsLikeSrt() {
        BodyPartDecision decision = normalizer.normalize(coded(new CodedConcept("T-D6000", "SNM3", "Pelvis")));

        assertThat(decision.bodyPart()).isEqualTo(BodyPart.PELVIS);
    }

    @Test
    void aCodeFromAnotherSchemeWithTheSameValueIsNotTaken() {
        // 72696002 is the knee in SNOMED CT only; in a local scheme it means whatever the site made it mean.
        BodyPartDecision decision = normalizer.normalize(coded(new CodedConcept("72696002", "99LOCAL", "Knee")));

        assertThat(decision.bodyPart()).isEqualTo(BodyPart.UNKNOWN);
    }

    @Test
    void aCodedRegionWinsOverContradictingText() {
        BodyPartDecision decision = normalizer.normalize(new BodyPartHints("CHEST",
                List.of(new CodedConcept("122496007", "SCT", "Lumbar spine")),
                "CHEST PA", "CHEST PA", "XR CHEST 2 VIEWS", "PA"));

        assertThat(decision).isEqualTo(new BodyPartDecision(BodyPart.LSPINE, "AnatomicRegionSequence", ""));
    }

    @Test
    void anUnknownCodeLeavesTheDecisionToBodyPartExamined() {
        BodyPartDecision decision = normalizer.normalize(new BodyPartHints("KNEE",
                List.of(new CodedConcept("66019005", "SCT", "Extremity")), null, null, null, null));

        assertThat(decision).isEqualTo(new BodyPartDecision(BodyPart.KNEE, "BodyPartExamined", ""));
    }

    @Test
    void twoCodedRegionsOfDifferentBodyPartsDecideNothing() {
        BodyPartDecision decision = normalizer.normalize(new BodyPartHints(null,
                List.of(new CodedConcept("72696002", "SCT", "Knee"), new CodedConcept("70258002", "SCT", "Ankle joint")),
                null, "KNEE AP", null, null));

        assertThat(decision).isEqualTo(new BodyPartDecision(BodyPart.KNEE, "SeriesDescription", ""));
    }

    @Test
    void aCodedPelvisNextToACodedHipIsThePelvis() {
        BodyPartDecision decision = normalizer.normalize(new BodyPartHints(null,
                List.of(new CodedConcept("24136001", "SCT", "Hip Joint"), new CodedConcept("816092008", "SCT", "Pelvis")),
                null, null, null, null));

        assertThat(decision.bodyPart()).isEqualTo(BodyPart.PELVIS);
    }

    /** Every Body Part Examined value the normaliser knows, from PS3.16 Annex L (LEG from older editions). */
    @ParameterizedTest(name = "[{index}] {0} -> {1}")
    @CsvSource(delimiter = '|', textBlock = """
        LSPINE | LSPINE
        LSSPINE | LSPINE
        TSPINE | TSPINE
        CSPINE | CSPINE
        SPINE | SPINE
        TLSPINE | SPINE
        CTSPINE | SPINE
        SSPINE | SACRUM
        SACRUM | SACRUM
        COCCYX | SACRUM
        SIJOINT | SACRUM
        PELVIS | PELVIS
        ILIUM | PELVIS
        HIP | HIP
        FEMUR | FEMUR
        THIGH | FEMUR
        KNEE | KNEE
        PATELLA | KNEE
        LOWERLEG | TIBIA
        LEG | TIBIA
        TIBIA | TIBIA
        FIBULA | TIBIA
        TIBIAFIBULA | TIBIA
        ANKLE | ANKLE
        FOOT | FOOT
        FOREFOOT | FOOT
        HINDFOOT | FOOT
        TOE | FOOT
        CALCANEUS | FOOT
        TARSUS | FOOT
        METATARSUS | FOOT
        SESAMOID | FOOT
        SHOULDER | SHOULDER
        SCAPULA | SHOULDER
        ACJOINT | SHOULDER
        HUMERUS | HUMERUS
        UPPERARM | HUMERUS
        ELBOW | ELBOW
        FOREARM | FOREARM
        RADIUS | FOREARM
        ULNA | FOREARM
        RADIUSULNA | FOREARM
        WRIST | WRIST
        CARPUS | WRIST
        HAND | HAND
        FINGER | HAND
        THUMB | HAND
        METACARPUS | HAND
        CHEST | CHEST
        THORAX | CHEST
        ABDOMEN | ABDOMEN
        SKULL | SKULL
        HEAD | SKULL
        FACE | FACE
        JAW | FACE
        MANDIBLE | FACE
        MAXILLA | FACE
        ZYGOMA | FACE
        ORBIT | FACE
        TMJ | FACE
        NECK | NECK
        CLAVICLE | CLAVICLE
        SCJOINT | CLAVICLE
        RIB | RIBS
        BREAST | BREAST
        # regions spanning several body parts decide nothing
        EXTREMITY | UNKNOWN
        UPPERLIMB | UNKNOWN
        LOWERLIMB | UNKNOWN
        CHESTABDOMEN | UNKNOWN
        ABDOMENPELVIS | UNKNOWN
        WHOLEBODY | UNKNOWN
        """)
    void readsEachBodyPartExaminedDefinedTerm(String term, BodyPart bodyPart) {
        BodyPartDecision decision = normalizer.normalize(new BodyPartHints(term, List.of(), null, null, null, null));

        assertThat(decision.bodyPart()).isEqualTo(bodyPart);
    }

    @Test
    void everyPhraseReachesItsBodyPartThroughTheDescriptorCleaner() {
        SoftAssertions softly = new SoftAssertions();
        for (Map.Entry<String, BodyPart> phrase : DescriptionPhrases.all().entrySet()) {
            BodyPartDecision decision = normalizer.normalize(
                    new BodyPartHints(null, List.of(), null, null, "XR " + phrase.getKey() + " 2 VIEWS", null));
            softly.assertThat(decision.bodyPart()).as(phrase.getKey()).isEqualTo(phrase.getValue());
        }
        softly.assertAll();
    }

    @Test
    void nothingAtAllIsUnknownWithNoHints() {
        BodyPartDecision decision = normalizer.normalize(new BodyPartHints(null, null, null, null, null, null));

        assertThat(decision).isEqualTo(new BodyPartDecision(BodyPart.UNKNOWN, "none", ""));
    }

    @Test
    void nonsenseIsUnknownWithTheCleanedHints() {
        BodyPartDecision decision = normalizer.normalize(new BodyPartHints("FOO", List.of(), "Research 42",
                "SERIES 3", "XR LEFT JONES^BOB 2024-01-15", "AP"));

        assertThat(decision).isEqualTo(new BodyPartDecision(BodyPart.UNKNOWN, "none",
                "series=SERIES; study=XR LEFT; view=AP"));
    }

    @Test
    void identifiersInAnUnknownDescriptionNeverReachTheHints() {
        BodyPartDecision decision = normalizer.normalize(new BodyPartHints("OTHER",
                List.of(new CodedConcept("99", "99LOCAL", "Dr Jones protocol 12")),
                "JONES^BOB 1961", "Acc 2024XR0001", "FOLLOW UP MR JONES 12345", null));

        assertThat(decision.bodyPart()).isEqualTo(BodyPart.UNKNOWN);
        assertThat(decision.hints()).isEqualTo("study=FOLLOW UP").doesNotContain("JONES").doesNotContainPattern("[0-9]");
    }

    @Test
    void ambiguousDescriptionsEverywhereAreUnknownAndSayWhy() {
        BodyPartDecision decision = normalizer.normalize(new BodyPartHints(null,
                List.of(new CodedConcept("416550000", "SCT", "Chest and Abdomen")),
                null, "KNEE AND ANKLE", "FOOT/ANKLE LEFT", null));

        assertThat(decision).isEqualTo(new BodyPartDecision(BodyPart.UNKNOWN, "none",
                "region=CHEST AND ABDOMEN; series=KNEE AND ANKLE; study=FOOT ANKLE LEFT"));
    }

    @Test
    void aDecidedBodyPartKeepsNoHints() {
        BodyPartDecision decision = normalizer.normalize(new BodyPartHints(null, List.of(), null, null,
                "XR HAND LEFT", "PA"));

        assertThat(decision.hints()).isEmpty();
    }

    @Test
    void hintsShowNoDescriptionInLogs() {
        BodyPartHints hints = new BodyPartHints("HAND", List.of(), "SMITH^JOHN", "SMITH^JOHN", "SMITH^JOHN", "PA");

        assertThat(hints.toString()).doesNotContain("SMITH");
    }

    private static BodyPartHints coded(CodedConcept region) {
        return new BodyPartHints(null, List.of(region), null, null, null, null);
    }
}
