-- The clinical path's state, without PHI: which images of which study were scored, and what was reported.
-- The identified references the report needs (UIDs, patient and study attributes) stay in data-dir/clinical/.
create table image_score (
    sop_instance_key text primary key,
    study_key        text not null,
    score            double precision not null check (score between 0 and 1),
    scored_at        timestamptz not null default now()
);

create table clinical_study (
    study_key          text primary key,
    instances          integer not null default 0,
    last_instance_at   timestamptz not null default now(),
    reported_instances integer not null default 0,
    reported_version   integer not null default 0
);

create index clinical_study_unreported on clinical_study (last_instance_at) where instances > reported_instances;
