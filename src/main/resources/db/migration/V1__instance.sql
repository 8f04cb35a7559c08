-- One row per SOP Instance received. No PHI: every identifier is a keyed pseudonym (see deid.Pseudonymizer).
create table instance (
    sop_instance_key    text primary key,         -- 2.25 pseudonym of the SOP Instance UID
    series_key          text not null,            -- 2.25 pseudonym of the Series Instance UID
    study_key           text not null,            -- 2.25 pseudonym of the Study Instance UID
    patient_key         text not null,            -- HMAC pseudonym of Issuer of Patient ID + Patient ID
    sop_class_uid       text not null,            -- a standard UID, not an identifier
    transfer_syntax_uid text not null,
    modality            text not null,
    calling_ae_title    text not null,
    size_bytes          bigint not null,
    first_received_at   timestamptz not null default now(),
    last_received_at    timestamptz not null default now(),
    times_received      integer not null default 1
);

create index instance_study on instance (study_key);
create index instance_patient on instance (patient_key);
