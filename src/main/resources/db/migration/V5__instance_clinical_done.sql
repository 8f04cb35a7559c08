-- Whether the clinical path has seen an instance (scored or not): a study is reported only when all of its
-- recorded instances have been seen, so that a slow image is not left out of the first report.
alter table instance add column clinical_done boolean not null default false;
