-- Cluster mode (issue 14): whether the research path is done with an instance, beside clinical_done (V5). The
-- received object stays in the PHI bucket until both are true; whichever path sets the second deletes it. One node
-- (the default) does not use it: its spool's markers say when both paths are done with an object.
alter table instance add column research_done boolean not null default false;
