// cargo leptos end-to-end starts the server without waiting for it: wait
// here until it answers (the first start creates the embedded cluster).
export default async function globalSetup() {
  const base = process.env.TANDEM_URL ?? "http://127.0.0.1:3000";
  const deadline = Date.now() + 180_000;
  let last = "";
  while (Date.now() < deadline) {
    try {
      const res = await fetch(`${base}/healthz`);
      if (res.ok) return;
      last = `status ${res.status}`;
    } catch (e) {
      last = String(e);
    }
    await new Promise((r) => setTimeout(r, 250));
  }
  throw new Error(`Tandem did not answer at ${base}/healthz: ${last}`);
}
