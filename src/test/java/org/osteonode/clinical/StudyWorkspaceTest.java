package org.osteonode.clinical;

import org.junit.jupiter.api.Test;
import org.osteonode.deid.Pseudonymizer;
import org.osteonode.objects.FileObjectStore;
import org.osteonode.objects.ObjectStore;
import org.osteonode.testing.ReferencePseudonyms;
import org.osteonode.testing.SyntheticDicom;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;

/** The workspace of a single node: a {@link FileObjectStore} in {@code data-dir/clinical/}, keys without a prefix. */
class StudyWorkspaceTest extends StudyWorkspaceContract {
    private static final byte[] SECRET = "a site secret of at least thirty-two bytes".getBytes(StandardCharsets.UTF_8);

    @Override
    ObjectStore newStore() {
        return new FileObjectStore(clinical());
    }

    @Override
    String keyPrefix() {
        return "";
    }

    private Path clinical() {
        return temp.resolve("clinical");
    }

    @Test
    void objectsAreNamedByTheWorkspaceNamesNotByTheKeys() throws Exception {
        ReferencePseudonyms reference = new ReferencePseudonyms(SECRET);
        Pseudonymizer pseudonymizer = new Pseudonymizer(SECRET);
        StudyWorkspace workspace = new StudyWorkspace(store, "", temp.resolve("scratch"), pseudonymizer::workspace);
        SyntheticDicom image = SyntheticDicom.radiograph().size(8, 8);
        String studyKey = pseudonymizer.uid(image.studyInstanceUid());
        String sopKey = pseudonymizer.uid(image.sopInstanceUid());

        workspace.add(studyKey, sopKey, image.attributes(), scored(image, 0.5));

        assertThat(store.list("")).containsExactly(
                reference.workspace(studyKey) + "/" + reference.workspace(sopKey) + ".image",
                reference.workspace(studyKey) + "/study.dcm");
        try (var names = Files.walk(clinical())) {
            assertThat(names.map(p -> p.getFileName().toString()))
                    .as("no research key names anything in the workspace, the store's own files included")
                    .noneMatch(name -> name.contains(studyKey) || name.contains(sopKey));
        }
        assertThat(workspace.images(studyKey)).hasSize(1);
    }

    @Test
    void afterForgetTheStudysFolderIsGoneSoThatANodeDoesNotKeepOnePerStudy() throws Exception {
        StudyWorkspace workspace = node("a");
        SyntheticDicom image = SyntheticDicom.radiograph().size(8, 8);
        workspace.add("study-key", "sop-key", image.attributes(), scored(image, 0.5));
        assertThat(clinical().resolve("named-study-key")).isDirectory();

        workspace.forget("study-key");

        assertThat(clinical()).as("the store's directory stays, empty").isEmptyDirectory();
    }

    @Test
    void underAPrefixForgetRemovesTheStudysFolderButNotThePrefixes() throws Exception {
        StudyWorkspace workspace = new StudyWorkspace(store, "workspace/", temp.resolve("scratch"),
                key -> "named-" + key);
        SyntheticDicom image = SyntheticDicom.radiograph().size(8, 8);
        workspace.add("study-key", "sop-key", image.attributes(), scored(image, 0.5));
        assertThat(store.list("")).containsExactly("workspace/named-study-key/named-sop-key.image",
                "workspace/named-study-key/study.dcm");

        workspace.forget("study-key");

        assertThat(clinical().resolve("workspace")).isEmptyDirectory();
    }
}
