// Small helpers shared by halo's pages: JSON calls that surface the API's one-line errors, and number formatting.
const halo = {
  async get(path) {
    const r = await fetch(path);
    const body = await r.json();
    if (!r.ok) throw new Error(body.error || (r.status + " " + r.statusText));
    return body;
  },
  async post(path, payload, token) {
    const headers = {"Content-Type": "application/json"};
    if (token) headers["Authorization"] = "Bearer " + token;
    const r = await fetch(path, {method: "POST", headers, body: JSON.stringify(payload)});
    const body = await r.json();
    if (!r.ok) throw new Error(body.error + (body.field ? " [" + body.field + "]" : ""));
    return body;
  },
  num(x, digits) {
    return x === null || x === undefined ? "–" : Number(x).toFixed(digits === undefined ? 3 : digits);
  },
  pct(x) {
    return x === null || x === undefined ? "–" : (100 * x).toFixed(1) + " %";
  },
  text(el, s) { el.textContent = s; },
  // follows a job's server-sent events until it ends, then resolves with the job as GET /api/jobs/{id} returns it
  follow(id, onEvent) {
    return new Promise((resolve, reject) => {
      const es = new EventSource("/api/jobs/" + id + "/events");
      const finish = () => { es.close(); halo.get("/api/jobs/" + id).then(resolve, reject); };
      for (const type of ["progress", "phase"]) es.addEventListener(type, e => onEvent(type, JSON.parse(e.data)));
      es.addEventListener("state", e => {
        const s = JSON.parse(e.data);
        onEvent("state", s);
        if (["succeeded", "failed", "cancelled"].includes(s.state)) finish();
      });
      es.onerror = () => finish();
    });
  }
};
