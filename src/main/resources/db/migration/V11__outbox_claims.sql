-- Several nodes may share this database and all run the outbox. A node claims a due item before sending it: it
-- writes its id and the end of its lease, in the transaction that locked the row (select ... for update skip
-- locked). The item is claimable again once the lease has run out (the node died mid-send); the result of a send
-- is written only by the claim that still holds the item (claimed_by and lease_until as the claim set them).
alter table outbox
    add column claimed_by  text,            -- the node that last claimed the item (kept after the send: who sent it)
    add column lease_until timestamptz;     -- null when no send is under way
