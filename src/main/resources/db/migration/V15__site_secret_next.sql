-- secret rotate records the new secret's fingerprint here before it swaps the file: a node whose secret is that one,
-- finding the recorded fingerprint among its retired secrets, knows a rotation was cut off and finishes it; any
-- other mismatch is refused.
alter table site_secret add column next_fingerprint text;
