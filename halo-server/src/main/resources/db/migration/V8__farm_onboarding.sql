-- the device farm, fourth slice (issue 17): onboarding through the farm. Its kernel check (does ONNX Runtime on the
-- device run exactly the kernels halo's NB201 kernel model works out?) is a task whose answer is not a measurement:
-- the result JSON of a done task that measures nothing ({"mismatch": null | "first difference"}); NULL otherwise
ALTER TABLE tasks ADD COLUMN result TEXT;
