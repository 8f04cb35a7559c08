-- Every training-set export a data steward made: when, by which OS user on which host, what was asked,
-- what came out, where, and the checksum of its datasheet. No PHI: filters and counts only.
create table export_audit (
    id                bigserial primary key,
    exported_at       timestamptz not null default now(),
    os_user           text not null,
    host              text not null,
    filters           text not null,       -- the export's filters, as in its datasheet (JSON)
    counts            text not null,       -- images per split (JSON)
    output_path       text not null,
    datasheet_sha256  text not null
);
