-- Objects waiting to be sent to the PACS (Structured Reports). The files themselves are in data-dir/outbox/
-- (identified: they go back to the patient's study); this table holds no PHI.
create table outbox (
    id               bigserial primary key,
    item_key         text not null unique,          -- what the item is, e.g. sr:<study key>:<version>
    file_name        text not null,                 -- under data-dir/outbox/
    state            text not null default 'pending' check (state in ('pending', 'sent', 'dead')),
    attempts         integer not null default 0,
    next_attempt_at  timestamptz not null default now(),
    last_error       text,
    created_at       timestamptz not null default now(),
    sent_at          timestamptz
);

create index outbox_due on outbox (next_attempt_at) where state = 'pending';
