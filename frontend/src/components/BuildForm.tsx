import { useState, type FormEvent } from "react";
import type { BuildConfig, BuildFlow } from "../api/types";
import { FAMILIES, isFamily } from "../lib/devices";

interface Props {
  /** The project's pin constraints files of every family (.pcf, .lpf, .cst). */
  constraintFiles: string[];
  busy: boolean;
  onSubmit: (config: BuildConfig) => void;
}

export function BuildForm({ constraintFiles, busy, onSubmit }: Props) {
  const [flow, setFlow] = useState<BuildFlow>("ice40");
  const [top, setTop] = useState("");
  const [device, setDevice] = useState("up5k");
  const [pkg, setPkg] = useState("");
  // null until the user picks one: the family's first file, also when it is uploaded after the form appeared
  const [pcfChoice, setPcf] = useState<string | null>(null);
  const family = isFamily(flow) ? FAMILIES[flow] : null;
  const pcfFiles = family ? constraintFiles.filter((path) => path.toLowerCase().endsWith(family.constraints)) : [];
  const pcf = pcfChoice !== null && (pcfChoice === "" || pcfFiles.includes(pcfChoice)) ? pcfChoice : (pcfFiles[0] ?? "");
  const [frequency, setFrequency] = useState("12");

  const chooseFlow = (next: BuildFlow) => {
    setFlow(next);
    if (isFamily(next)) setDevice(FAMILIES[next].defaultDevice);
    setPkg("");
    setPcf(null);
  };

  const submit = (event: FormEvent) => {
    event.preventDefault();
    const config: BuildConfig = { flow };
    if (top.trim()) config.top = top.trim();
    if (family) {
      config.device = device;
      if (pkg.trim()) config.package = pkg.trim();
      if (pcf) config.pcf = pcf;
      const mhz = Number(frequency);
      if (frequency.trim() && Number.isFinite(mhz) && mhz > 0) config.frequency_mhz = mhz;
    }
    onSubmit(config);
  };

  return (
    <form className="run-form" onSubmit={submit} aria-label="Build">
      <h3>Build</h3>
      <label>
        Flow
        <select value={flow} onChange={(e) => chooseFlow(e.target.value as BuildFlow)}>
          <option value="ice40">iCE40 (synth + place & route + bitstream)</option>
          <option value="ecp5">ECP5 (synth + place & route + bitstream)</option>
          <option value="gowin">Gowin (synth + place & route + bitstream)</option>
          <option value="synth">Synthesis only</option>
        </select>
      </label>
      <label>
        Top module
        <input value={top} onChange={(e) => setTop(e.target.value)} placeholder="auto-detect" pattern="[A-Za-z_][A-Za-z0-9_$]*" />
      </label>
      {family && (
        <>
          <label>
            Device
            <select value={device} onChange={(e) => setDevice(e.target.value)}>
              {Object.keys(family.devices).map((name) => (
                <option key={name} value={name}>
                  {name}
                </option>
              ))}
            </select>
          </label>
          <label>
            Package
            <input value={pkg} onChange={(e) => setPkg(e.target.value)} placeholder={family.devices[device]} />
          </label>
          <label>
            Constraints ({family.constraints})
            <select value={pcf} onChange={(e) => setPcf(e.target.value)}>
              <option value="">none</option>
              {pcfFiles.map((path) => (
                <option key={path} value={path}>
                  {path}
                </option>
              ))}
            </select>
          </label>
          <label>
            Frequency (MHz)
            <input type="number" min="0.001" max="1000" step="any" value={frequency} onChange={(e) => setFrequency(e.target.value)} />
          </label>
        </>
      )}
      <button type="submit" className="primary" disabled={busy}>
        Build
      </button>
    </form>
  );
}
