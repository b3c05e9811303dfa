import { useState, type FormEvent } from "react";
import type { SimulationConfig, VerilogGeneration } from "../api/types";

interface Props {
  busy: boolean;
  onSubmit: (config: SimulationConfig) => void;
}

const GENERATIONS: VerilogGeneration[] = ["2012", "2009", "2005-sv", "2005", "2001"];

/** Words separated by spaces; the hub checks each one. */
function words(text: string): string[] {
  return text.split(/\s+/).filter((word) => word !== "");
}

export function SimulateForm({ busy, onSubmit }: Props) {
  const [top, setTop] = useState("");
  const [timeout, setTimeoutS] = useState("300");
  const [plusargs, setPlusargs] = useState("");
  const [generation, setGeneration] = useState<VerilogGeneration>("2012");
  const [waveform, setWaveform] = useState<"vcd" | "fst">("vcd");

  const submit = (event: FormEvent) => {
    event.preventDefault();
    const config: SimulationConfig = { top: top.trim() };
    const seconds = Number(timeout);
    if (timeout.trim() && Number.isInteger(seconds) && seconds > 0) config.timeout_s = seconds;
    if (words(plusargs).length) config.plusargs = words(plusargs);
    if (generation !== "2012") config.generation = generation;
    if (waveform !== "vcd") config.waveform = waveform;
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
      <label>
        Plusargs
        <input value={plusargs} onChange={(e) => setPlusargs(e.target.value)} placeholder="+vcd +seed=1" />
      </label>
      <label>
        Verilog
        <select value={generation} onChange={(e) => setGeneration(e.target.value as VerilogGeneration)}>
          {GENERATIONS.map((name) => (
            <option key={name} value={name}>
              {name}
            </option>
          ))}
        </select>
      </label>
      <label>
        Waveform
        <select value={waveform} onChange={(e) => setWaveform(e.target.value as "vcd" | "fst")}>
          <option value="vcd">VCD</option>
          <option value="fst">FST</option>
        </select>
      </label>
      <button type="submit" className="primary" disabled={busy}>
        Simulate
      </button>
    </form>
  );
}
