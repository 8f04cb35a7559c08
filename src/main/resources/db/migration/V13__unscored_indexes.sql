-- The reporter looks for unscored studies every second: what it asks must not scan tables that only grow.
create index image_score_study on image_score (study_key);
create index image_skip_unannounced on image_skip (study_key) where not announced;
create index instance_unseen_by_clinical on instance (study_key) where not clinical_done;
