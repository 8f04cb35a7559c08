-- Images of a study the clinical path did not score, and why (the reason tags of osteonode_clinical_skipped_total),
-- by pseudonymous keys: the study's report log line lists them, so that a site sees which studies lack a score.
create table image_skip (
    sop_instance_key text primary key,
    study_key        text not null,
    reason           text not null,
    skipped_at       timestamptz not null default now()
);

create index image_skip_study on image_skip (study_key);
