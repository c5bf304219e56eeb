-- what a CLI measurement store holds besides V1's columns, so that `halo data import-store` copies it without loss
ALTER TABLE measurements ADD COLUMN robust_cv DOUBLE PRECISION;
ALTER TABLE measurements ADD COLUMN median_rel_ci DOUBLE PRECISION;
ALTER TABLE measurements ADD COLUMN started_at VARCHAR(40);
ALTER TABLE devices ADD COLUMN first_seen VARCHAR(40);
