-- issue 16: a device's kernel latency model (the JSON of halo model onboard / fit), with which the server predicts the
-- latency of an uploaded ONNX model on that device. One per device: storing another replaces it.
CREATE TABLE kernel_models (
    device_id BIGINT NOT NULL PRIMARY KEY REFERENCES devices (id),
    json TEXT NOT NULL,                    -- the file as uploaded (checked by KernelModelFile.read before storing)
    describe TEXT NOT NULL,                -- GraphLatencyModel.describe(): how the model was made, one line
    model_device TEXT NOT NULL,            -- GraphLatencyModel.device(): the fingerprint id or name the model predicts for
    bytes BIGINT NOT NULL,
    stored_at VARCHAR(40) NOT NULL
);
