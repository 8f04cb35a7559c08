-- The fingerprint (not the secret) of the site secret this database's pseudonyms were made with. Nodes sharing
-- the database must share the secret, or one patient gets two pseudonyms: a node with another secret refuses to
-- start. One row; bin/osteonode secret rotate replaces it.
create table site_secret (
    only_row    boolean primary key default true check (only_row),
    fingerprint text not null,
    recorded_at timestamptz not null default now()
);
