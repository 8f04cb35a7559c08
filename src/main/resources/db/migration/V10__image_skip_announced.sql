-- A study none of whose images could be scored although some were meant for the model (no decoder, a code stream
-- that did not decode, scoring failed) gets no report; its log line says so once, and this marks it said.
alter table image_skip add column announced boolean not null default false;
