-- Patients who withdrew consent to research use: their keyed pseudonym only (never an identifier). Their
-- objects never enter the research archive and get no proxy labels; what was there was deleted when they
-- were added (bin/osteonode research opt-out).
create table research_opt_out (
    patient_key   text primary key,
    opted_out_at  timestamptz not null default now()
);
