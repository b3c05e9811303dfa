import { fireEvent, render, screen } from "@testing-library/react";
import { describe, expect, it } from "vitest";
import type { SimulationConfig } from "../src/api/types";
import { SimulateForm } from "../src/components/SimulateForm";

function submitted(fill: () => void): SimulationConfig[] {
  const configs: SimulationConfig[] = [];
  render(<SimulateForm busy={false} onSubmit={(config) => configs.push(config)} />);
  fireEvent.change(screen.getByLabelText("Testbench top"), { target: { value: "testbench" } });
  fill();
  fireEvent.submit(screen.getByRole("form", { name: "Simulate" }));
  return configs;
}

describe("SimulateForm", () => {
  it("sends the top and the timeout alone by default", () => {
    expect(submitted(() => {})).toEqual([{ top: "testbench", timeout_s: 300 }]);
  });

  it("sends plusargs, the Verilog generation and the waveform format", () => {
    const configs = submitted(() => {
      fireEvent.change(screen.getByLabelText("Plusargs"), { target: { value: "  +vcd   +seed=3 " } });
      fireEvent.change(screen.getByLabelText("Verilog"), { target: { value: "2005-sv" } });
      fireEvent.change(screen.getByLabelText("Waveform"), { target: { value: "fst" } });
    });
    expect(configs).toEqual([
      { top: "testbench", timeout_s: 300, plusargs: ["+vcd", "+seed=3"], generation: "2005-sv", waveform: "fst" },
    ]);
  });
});
