import { useState, type FormEvent } from "react";
import type { SimulationConfig } from "../api/types";

interface Props {
  busy: boolean;
  onSubmit: (config: SimulationConfig) => void;
}

export function SimulateForm({ busy, onSubmit }: Props) {
  const [top, setTop] = useState("");
  const [timeout, setTimeoutS] = useState("300");

  const submit = (event: FormEvent) => {
    event.preventDefault();
    const config: SimulationConfig = { top: top.trim() };
    const seconds = Number(timeout);
    if (timeout.trim() && Number.isInteger(seconds) && seconds > 0) config.timeout_s = seconds;
    onSubmit(config);
  };

  return (
    <form className="run-form" onSubmit={submit} aria-label="Simulate">
      <h3>Simulate</h3>
      <label>
        Testbench top
        <input value={top} onChange={(e) => setTop(e.target.value)} placeholder="tb_top" pattern="[A-Za-z_][A-Za-z0-9_$]*" required />
      </label>
      <label>
        Timeout (s)
        <input type="number" min="1" max="3600" step="1" value={timeout} onChange={(e) => setTimeoutS(e.target.value)} />
      </label>
      <button type="submit" className="primary" disabled={busy}>
        Simulate
      </button>
    </form>
  );
}
