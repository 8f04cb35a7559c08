-- Proxy labels of each archived (de-identified) image, for building training sets. No PHI: keys are
-- pseudonyms, ages are capped at 90, dates are shifted per patient, free text went through the cleaner.
create table image_label (
    sop_instance_key           text primary key,
    series_key                 text not null,
    study_key                  text not null,
    patient_key                text not null,
    modality                   text not null,
    sop_class_uid              text not null,
    body_part                  text not null,      -- labels.BodyPart vocabulary, UNKNOWN when nothing said
    body_part_source           text not null,      -- which attribute decided it
    body_part_hints            text,               -- cleaned hints, kept when the body part is UNKNOWN
    age_years                  smallint check (age_years between 0 and 90),   -- 90 means 90 or older
    age_band                   text,               -- 0-9, 10-19, ..., 80-89, 90+
    sex                        char(1) check (sex in ('M', 'F', 'O')),
    view_position              text,
    laterality                 text,
    manufacturer               text,
    model                      text,
    rows                       integer not null,
    columns                    integer not null,
    pixel_spacing_row_mm       double precision,
    pixel_spacing_column_mm    double precision,
    bits_stored                smallint not null,
    photometric_interpretation text,
    study_date_shifted         date,
    labelled_at                timestamptz not null default now()
);

create index image_label_body_part on image_label (body_part);
create index image_label_patient on image_label (patient_key);
create index image_label_study on image_label (study_key);
