-- Outcome labels: DXA results imported from the RIS (bin/osteonode labels import --dxa). Only the keyed patient
-- pseudonym, the measurement date moved back by that patient's own date shift (the same as their images', so
-- the days between a DXA and a radiograph are exact), the site and the values: nothing of the identified file.
create table outcome_label (
    patient_key       text not null,
    measured_on       date not null,
    site              text not null check (site in ('lumbar-spine', 'total-hip', 'femoral-neck')),
    t_score           double precision not null,
    z_score           double precision,
    bmd_g_per_cm2     double precision,
    imported_at       timestamptz not null default now(),
    primary key (patient_key, measured_on, site)
);
