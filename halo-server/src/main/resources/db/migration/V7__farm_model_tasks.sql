-- the device farm, third slice (issue 17): tasks that measure an uploaded ONNX model instead of an architecture.
-- The model file is stored once in models (kind 'onnx', space 'onnx-model', name = sha256 = its SHA-256, content = its
-- bytes); a model task's space is 'onnx-model' and its arch the model's identity as halo measure --model stores it
-- ("sha256:HEX;input=1x3x224x224"), so its measurements sit beside those of local stores.

-- the SHA-256 of the model file the task measures (NULL: the task is an architecture), and the input shapes it is fed,
-- as JSON {"input": "1x3x224x224"} in the model's input order
ALTER TABLE tasks ADD COLUMN model_sha256 VARCHAR(64);
ALTER TABLE tasks ADD COLUMN model_inputs TEXT;

-- 1 when the agent measures ONNX model files (halo's Java agent); 0 (agents registered before, the Python agent): it
-- is leased architectures only
ALTER TABLE agents ADD COLUMN offer_models INTEGER NOT NULL DEFAULT 0;
