-- Cluster mode (issue 14): which received object the research path archived for each SOP Instance, over all nodes.
-- One node's archive refuses a second object under a SOP Instance it holds (Archive's claim); the nodes of a
-- cluster have archives of their own and share this claim instead, so that a second object with the same SOP
-- Instance UID is quarantined on whichever node it arrives, as one node would, and never replaces the first in the
-- de-identified bucket. The object is named by a keyed hash of its SHA-256 (Pseudonymizer.workspace), not by the
-- SHA-256 of the identified bytes itself.
create table research_claim (
    sop_instance_key text primary key,   -- 2.25 pseudonym of the SOP Instance UID, as instance.sop_instance_key
    object_key       text not null,      -- HMAC of the received object's SHA-256
    claimed_at       timestamptz not null default now()
);
